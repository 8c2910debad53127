/*
 * Baton's JNI shim: shared declarations.
 *
 * The shim reaches cuBLASLt and NCCL through dlopen/dlsym with its own prototypes, so that it
 * builds and loads on machines without CUDA. Pointers, handles and streams cross JNI as jlong
 * raw addresses; every failure becomes a Java exception naming the library, the call and the
 * library's error code and string.
 */
#ifndef BATON_SHIM_H
#define BATON_SHIM_H

#include <jni.h>
#include <stdint.h>

#define SHIM_PTR(x) ((void *) (intptr_t) (x))
#define SHIM_LONG(p) ((jlong) (intptr_t) (p))

/* Raises dev.baton.kernels.shim.NativeCallException(library, call, code, codeName, detail). */
void shim_throw_call(JNIEnv *env, const char *library, const char *call, int code,
                     const char *code_name, const char *detail);

/* Raises dev.baton.kernels.shim.LibraryNotFoundException(library, tried, detail). */
void shim_throw_not_found(JNIEnv *env, const char *library, const char *tried, const char *detail);

/* Raises java.lang.IllegalArgumentException or IllegalStateException with a message. */
void shim_throw_illegal_argument(JNIEnv *env, const char *message);
void shim_throw_illegal_state(JNIEnv *env, const char *message);

/* Raises OutOfMemoryError for a failed host allocation. */
void shim_throw_out_of_memory(JNIEnv *env, const char *what);

/*
 * Resolves each name of `symbols` from the dlopen handle into `slots` (same order). Names with a
 * leading '?' are optional and leave NULL when absent. Returns 0, or raises
 * NativeCallException (call "dlsym") naming the first missing required symbol and returns -1.
 */
int shim_resolve(JNIEnv *env, void *handle, const char *library, const char *const *symbols,
                 void **slots, int count);

#endif
