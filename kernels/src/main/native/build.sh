#!/usr/bin/env bash
# Builds the kernels module's native parts into the module's output classes, as resources:
#   - every src/main/cuda/*.cu to a Hopper cubin (sm_90a) and a portable PTX (compute_90, for the
#     driver's JIT on newer GPUs), when nvcc is on the PATH;
#   - the JNI shim libbatonshim.so from src/main/c/*.c, when gcc is on the PATH.
# Either tool may be missing: the build then says so in one line and succeeds, and the CUDA
# backend reports itself unavailable at run time. Outputs newer than every input are kept, so an
# unchanged module costs nothing to rebuild.
#
# Usage: build.sh MODULE_DIR OUTPUT_CLASSES_DIR JAVA_HOME
# Environment: BATON_NVCC_FLAGS (extra nvcc flags), BATON_SKIP_NATIVE=1 (build nothing).
set -euo pipefail

module="$1"
classes="$2"
java_home="$3"

cuda_src="$module/src/main/cuda"
c_src="$module/src/main/c"
cuda_out="$classes/dev/baton/kernels/cuda"
shim_out="$classes/dev/baton/kernels/native/linux-x86_64"

# The cubin target: sm_90a admits wgmma and setmaxnreg, which later kernels will use; it runs on
# compute capability 9.0 only (H100, H200). The PTX stays plain compute_90 so that the driver can
# JIT it for any newer GPU; sources guard sm_90a-only code with __CUDA_ARCH_FEAT_SM90_ALL.
cubin_arch="sm_90a"
ptx_arch="compute_90"

if [ "${BATON_SKIP_NATIVE:-0}" = "1" ]; then
  echo "[baton] BATON_SKIP_NATIVE=1: native parts of the kernels module not built"
  exit 0
fi

# True when $1 is missing or older than any of the remaining files.
stale() {
  local target="$1"; shift
  [ -f "$target" ] || return 0
  local f
  for f in "$@"; do
    [ "$f" -nt "$target" ] && return 0
  done
  return 1
}

build_cuda() {
  if ! command -v nvcc >/dev/null 2>&1; then
    echo "[baton] nvcc not found: CUDA kernels not built; the CUDA backend will be unavailable"
    return 0
  fi
  shopt -s nullglob
  local sources=("$cuda_src"/*.cu)
  local headers=("$cuda_src"/*.cuh)
  shopt -u nullglob
  [ ${#sources[@]} -gt 0 ] || return 0
  mkdir -p "$cuda_out"
  local flags=(-std=c++17 -O3 -lineinfo -I"$cuda_src" ${BATON_NVCC_FLAGS:-})
  local cu name cubin ptx built=()
  for cu in "${sources[@]}"; do
    name="$(basename "$cu" .cu)"
    cubin="$cuda_out/$name.$cubin_arch.cubin"
    ptx="$cuda_out/$name.$ptx_arch.ptx"
    if stale "$cubin" "$cu" "${headers[@]}" "$0"; then
      nvcc "${flags[@]}" -cubin -gencode="arch=compute_90a,code=$cubin_arch" -o "$cubin.tmp" "$cu"
      mv "$cubin.tmp" "$cubin"
      built+=("$name.$cubin_arch.cubin")
    fi
    if stale "$ptx" "$cu" "${headers[@]}" "$0"; then
      nvcc "${flags[@]}" -ptx -arch="$ptx_arch" -o "$ptx.tmp" "$cu"
      mv "$ptx.tmp" "$ptx"
      built+=("$name.$ptx_arch.ptx")
    fi
  done
  if [ ${#built[@]} -gt 0 ]; then
    echo "[baton] nvcc built ${built[*]}"
  fi
}

build_shim() {
  if ! command -v gcc >/dev/null 2>&1; then
    echo "[baton] gcc not found: JNI shim not built; cuBLASLt and NCCL will be unavailable"
    return 0
  fi
  shopt -s nullglob
  local sources=("$c_src"/*.c)
  local headers=("$c_src"/*.h)
  shopt -u nullglob
  [ ${#sources[@]} -gt 0 ] || return 0
  local lib="$shim_out/libbatonshim.so"
  if stale "$lib" "${sources[@]}" "${headers[@]}" "$0"; then
    mkdir -p "$shim_out"
    # No CUDA library is linked: the shim dlopens cuBLASLt and NCCL at run time, so this
    # builds on machines without CUDA. -ldl for glibc older than 2.34, where dlopen lives there.
    gcc -std=c11 -O2 -fPIC -shared -Wall -Wextra -Wno-unused-parameter \
      -fvisibility=hidden \
      -I"$java_home/include" -I"$java_home/include/linux" -I"$c_src" \
      -o "$lib.tmp" "${sources[@]}" -ldl
    mv "$lib.tmp" "$lib"
    echo "[baton] gcc built libbatonshim.so"
  fi
}

build_cuda
build_shim
