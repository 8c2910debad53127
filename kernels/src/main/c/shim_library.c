/*
 * Finding and opening the CUDA libraries (JNI side of dev.baton.kernels.shim.SharedLibrary).
 *
 * A library that opens stays mapped for the life of the process: cuBLASLt and NCCL keep
 * threads and exit hooks, so unmapping them under a live JVM is unsafe. dlopen reference-counts
 * repeated opens, so opening again is cheap and maps nothing new.
 */
#define _GNU_SOURCE /* dladdr */
#include "shim.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#define SHIM_VERSION "baton-shim 1"

JNIEXPORT jstring JNICALL
Java_dev_baton_kernels_shim_SharedLibrary_shimVersion(JNIEnv *env, jclass cls) {
    return (*env)->NewStringUTF(env, SHIM_VERSION);
}

/* A "no such file" failure says nothing; a library that exists but fails (wrong ELF class, a
 * missing dependency) says a lot, so that one is reported if any candidate gave it. */
static int is_absent(const char *error) {
    return error == NULL || strstr(error, "No such file") != NULL;
}

JNIEXPORT jlong JNICALL
Java_dev_baton_kernels_shim_SharedLibrary_open0(JNIEnv *env, jclass cls, jstring library,
                                                jobjectArray candidates) {
    const char *lib = (*env)->GetStringUTFChars(env, library, NULL);
    if (lib == NULL) {
        return 0;
    }
    jsize n = (*env)->GetArrayLength(env, candidates);
    char tried[2048] = "";
    char detail[1024] = "";
    void *handle = NULL;
    for (jsize i = 0; i < n && handle == NULL; i++) {
        jstring js = (jstring) (*env)->GetObjectArrayElement(env, candidates, i);
        const char *name = (*env)->GetStringUTFChars(env, js, NULL);
        if (name == NULL) {
            (*env)->ReleaseStringUTFChars(env, library, lib);
            return 0;
        }
        handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) {
            const char *error = dlerror();
            size_t used = strlen(tried);
            snprintf(tried + used, sizeof tried - used, "%s%s", used == 0 ? "" : ", ", name);
            if (detail[0] == '\0' || (!is_absent(error) && is_absent(detail))) {
                snprintf(detail, sizeof detail, "%s", error == NULL ? "" : error);
            }
        }
        (*env)->ReleaseStringUTFChars(env, js, name);
        (*env)->DeleteLocalRef(env, js);
    }
    if (handle == NULL) {
        shim_throw_not_found(env, lib, tried, detail);
    }
    (*env)->ReleaseStringUTFChars(env, library, lib);
    return SHIM_LONG(handle);
}

/* The file a handle came from, for reports ("which cuBLASLt did we get?"). */
JNIEXPORT jstring JNICALL
Java_dev_baton_kernels_shim_SharedLibrary_pathOf0(JNIEnv *env, jclass cls, jlong handle,
                                                  jstring symbol) {
    const char *sym = (*env)->GetStringUTFChars(env, symbol, NULL);
    if (sym == NULL) {
        return NULL;
    }
    void *address = dlsym(SHIM_PTR(handle), sym);
    (*env)->ReleaseStringUTFChars(env, symbol, sym);
    Dl_info info;
    if (address == NULL || dladdr(address, &info) == 0 || info.dli_fname == NULL) {
        return (*env)->NewStringUTF(env, "?");
    }
    return (*env)->NewStringUTF(env, info.dli_fname);
}

int shim_resolve(JNIEnv *env, void *handle, const char *library, const char *const *symbols,
                 void **slots, int count) {
    for (int i = 0; i < count; i++) {
        const char *name = symbols[i];
        int optional = name[0] == '?';
        if (optional) {
            name++;
        }
        slots[i] = dlsym(handle, name);
        if (slots[i] == NULL && !optional) {
            char detail[512];
            snprintf(detail, sizeof detail, "symbol %s is missing: %s", name, dlerror());
            shim_throw_call(env, library, "dlsym", -1, "SYMBOL_NOT_FOUND", detail);
            return -1;
        }
    }
    return 0;
}
