package dev.baton.kernels.shim;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files tried, in order, when opening a CUDA library: the newest major version first, and
 * for each version the folders of {@code BATON_CUDA_LIBS} (colon-separated), then the loader's
 * own search (LD_LIBRARY_PATH, the ldconfig cache), then {@code $CUDA_HOME/lib64} and
 * {@code /usr/local/cuda/lib64}.
 */
public final class LibraryCandidates {
    /** Environment variable naming extra folders to search, before the system's. */
    public static final String ENV_FOLDERS = "BATON_CUDA_LIBS";

    private LibraryCandidates() {
    }

    /** cuBLASLt: CUDA 13's, then CUDA 12's. */
    public static List<String> cublasLt(Map<String, String> env) {
        return files(env, List.of("libcublasLt.so.13", "libcublasLt.so.12"));
    }

    /** NCCL 2. */
    public static List<String> nccl(Map<String, String> env) {
        return files(env, List.of("libnccl.so.2"));
    }

    static List<String> files(Map<String, String> env, List<String> sonames) {
        List<String> folders = new ArrayList<>();
        String extra = env.get(ENV_FOLDERS);
        if (extra != null) {
            for (String f : extra.split(":")) {
                if (!f.isBlank()) {
                    folders.add(f.strip());
                }
            }
        }
        folders.add(""); // the loader's own search
        String cudaHome = env.get("CUDA_HOME");
        if (cudaHome != null && !cudaHome.isBlank()) {
            folders.add(cudaHome + "/lib64");
        }
        folders.add("/usr/local/cuda/lib64");
        Set<String> out = new LinkedHashSet<>();
        for (String soname : sonames) {
            for (String folder : folders) {
                out.add(folder.isEmpty() ? soname : folder.replaceAll("/+$", "") + "/" + soname);
            }
        }
        return List.copyOf(out);
    }
}
