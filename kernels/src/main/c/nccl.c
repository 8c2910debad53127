/*
 * NCCL through dlopen (JNI side of dev.baton.kernels.nccl.Nccl and NcclComm).
 *
 * Prototypes are written here from nccl.h (NCCL 2.x). Counts are element counts; buffers and
 * streams arrive as raw device addresses. Collectives only enqueue work on the stream: an error
 * of a peer shows later through ncclCommGetAsyncError, which the Java side polls while waiting.
 */
#define _POSIX_C_SOURCE 200112L /* setenv */
#include "shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int nccl_result;
typedef void *nccl_comm;

#define NCCL_UNIQUE_ID_BYTES 128
typedef struct {
    char internal[NCCL_UNIQUE_ID_BYTES];
} nccl_unique_id;

/* Function table; the order matches NCCL_SYMBOLS. */
typedef struct {
    nccl_result (*get_version)(int *);
    nccl_result (*get_unique_id)(nccl_unique_id *);
    nccl_result (*comm_init_rank)(nccl_comm *, int nranks, nccl_unique_id id, int rank);
    nccl_result (*comm_init_all)(nccl_comm *, int ndev, const int *devices);
    nccl_result (*comm_destroy)(nccl_comm);
    nccl_result (*comm_abort)(nccl_comm);
    nccl_result (*comm_get_async_error)(nccl_comm, nccl_result *);
    nccl_result (*comm_count)(const nccl_comm, int *);
    nccl_result (*comm_cu_device)(const nccl_comm, int *);
    nccl_result (*comm_user_rank)(const nccl_comm, int *);
    const char *(*get_error_string)(nccl_result);
    nccl_result (*reduce_scatter)(const void *send, void *recv, size_t recv_count, int type, int op,
                                  nccl_comm, void *stream);
    nccl_result (*all_gather)(const void *send, void *recv, size_t send_count, int type, nccl_comm,
                              void *stream);
    nccl_result (*all_reduce)(const void *send, void *recv, size_t count, int type, int op, nccl_comm,
                              void *stream);
    nccl_result (*broadcast)(const void *send, void *recv, size_t count, int type, int root, nccl_comm,
                             void *stream);
    nccl_result (*group_start)(void);
    nccl_result (*group_end)(void);
    const char *(*get_last_error)(nccl_comm);
} nccl_api;

static const char *const NCCL_SYMBOLS[] = {
    "ncclGetVersion", "ncclGetUniqueId", "ncclCommInitRank", "ncclCommInitAll", "ncclCommDestroy",
    "ncclCommAbort", "ncclCommGetAsyncError", "ncclCommCount", "ncclCommCuDevice", "ncclCommUserRank",
    "ncclGetErrorString", "ncclReduceScatter", "ncclAllGather", "ncclAllReduce", "ncclBroadcast",
    "ncclGroupStart", "ncclGroupEnd", "?ncclGetLastError",
};

#define NCCL_SYMBOL_COUNT ((int) (sizeof NCCL_SYMBOLS / sizeof NCCL_SYMBOLS[0]))
_Static_assert(sizeof(nccl_api) == sizeof NCCL_SYMBOLS / sizeof NCCL_SYMBOLS[0] * sizeof(void *),
               "nccl_api must hold exactly one function pointer per symbol");

static const char *LIBRARY = "NCCL";

/* ncclResult_t names, by value (nccl.h). */
static const char *result_name(nccl_result r) {
    static const char *const names[] = {
        "ncclSuccess", "ncclUnhandledCudaError", "ncclSystemError", "ncclInternalError",
        "ncclInvalidArgument", "ncclInvalidUsage", "ncclRemoteError", "ncclInProgress",
    };
    return r >= 0 && r < (int) (sizeof names / sizeof names[0]) ? names[r] : "ncclUnknownResult";
}

/* Raises NativeCallException for a failed result and returns nonzero; returns 0 on success. */
static int failed(JNIEnv *env, const nccl_api *api, nccl_comm comm, const char *call, nccl_result r) {
    if (r == 0) {
        return 0;
    }
    const char *text = api->get_error_string(r);
    const char *last = api->get_last_error != NULL ? api->get_last_error(comm) : NULL;
    char detail[768];
    snprintf(detail, sizeof detail, "%s%s%s", text == NULL ? "" : text,
             last != NULL && last[0] != '\0' ? "; " : "", last != NULL ? last : "");
    shim_throw_call(env, LIBRARY, call, r, result_name(r), detail);
    return 1;
}

JNIEXPORT jlong JNICALL
Java_dev_baton_kernels_nccl_NcclNative_load(JNIEnv *env, jclass cls, jlong library) {
    /* NVLink multicast (NVLS) can put a shared host's GPUs out of service; NCCL reads this at
     * communicator init, so set it before any. An explicit setting in the environment wins. */
    setenv("NCCL_NVLS_ENABLE", "0", 0);
    nccl_api *api = calloc(1, sizeof *api);
    if (api == NULL) {
        shim_throw_out_of_memory(env, "NCCL function table");
        return 0;
    }
    if (shim_resolve(env, SHIM_PTR(library), LIBRARY, NCCL_SYMBOLS, (void **) api, NCCL_SYMBOL_COUNT) != 0) {
        free(api);
        return 0;
    }
    return SHIM_LONG(api);
}

JNIEXPORT void JNICALL
Java_dev_baton_kernels_nccl_NcclNative_unload(JNIEnv *env, jclass cls, jlong api) {
    free(SHIM_PTR(api));
}

JNIEXPORT jint JNICALL
Java_dev_baton_kernels_nccl_NcclNative_version(JNIEnv *env, jclass cls, jlong api_address) {
    nccl_api *api = SHIM_PTR(api_address);
    int version = 0;
    failed(env, api, NULL, "ncclGetVersion", api->get_version(&version));
    return version;
}

JNIEXPORT jstring JNICALL
Java_dev_baton_kernels_nccl_NcclNative_errorString(JNIEnv *env, jclass cls, jlong api_address, jint code) {
    nccl_api *api = SHIM_PTR(api_address);
    return (*env)->NewStringUTF(env, api->get_error_string(code));
}

JNIEXPORT jbyteArray JNICALL
Java_dev_baton_kernels_nccl_NcclNative_uniqueId(JNIEnv *env, jclass cls, jlong api_address) {
    nccl_api *api = SHIM_PTR(api_address);
    nccl_unique_id id;
    if (failed(env, api, NULL, "ncclGetUniqueId", api->get_unique_id(&id))) {
        return NULL;
    }
    jbyteArray bytes = (*env)->NewByteArray(env, NCCL_UNIQUE_ID_BYTES);
    if (bytes != NULL) {
        (*env)->SetByteArrayRegion(env, bytes, 0, NCCL_UNIQUE_ID_BYTES, (const jbyte *) id.internal);
    }
    return bytes;
}

/* Blocks until all nranks ranks have called it with the same id; uses the current device. */
JNIEXPORT jlong JNICALL
Java_dev_baton_kernels_nccl_NcclNative_initRank(JNIEnv *env, jclass cls, jlong api_address, jint nranks,
                                                jbyteArray id_bytes, jint rank) {
    nccl_api *api = SHIM_PTR(api_address);
    if ((*env)->GetArrayLength(env, id_bytes) != NCCL_UNIQUE_ID_BYTES) {
        shim_throw_illegal_argument(env, "an NCCL unique id has 128 bytes");
        return 0;
    }
    nccl_unique_id id;
    (*env)->GetByteArrayRegion(env, id_bytes, 0, NCCL_UNIQUE_ID_BYTES, (jbyte *) id.internal);
    nccl_comm comm = NULL;
    if (failed(env, api, NULL, "ncclCommInitRank", api->comm_init_rank(&comm, nranks, id, rank))) {
        return 0;
    }
    return SHIM_LONG(comm);
}

/* One communicator per listed device, all in this process. */
JNIEXPORT jlongArray JNICALL
Java_dev_baton_kernels_nccl_NcclNative_initAll(JNIEnv *env, jclass cls, jlong api_address, jintArray devices) {
    nccl_api *api = SHIM_PTR(api_address);
    jsize n = (*env)->GetArrayLength(env, devices);
    int *list = malloc(sizeof(int) * (size_t) n);
    nccl_comm *comms = calloc((size_t) n, sizeof(nccl_comm));
    jlong *addresses = malloc(sizeof(jlong) * (size_t) n);
    jlongArray result = NULL;
    if (list == NULL || comms == NULL || addresses == NULL) {
        shim_throw_out_of_memory(env, "NCCL communicator list");
    } else {
        (*env)->GetIntArrayRegion(env, devices, 0, n, (jint *) list);
        if (!failed(env, api, NULL, "ncclCommInitAll", api->comm_init_all(comms, n, list))) {
            for (jsize i = 0; i < n; i++) {
                addresses[i] = SHIM_LONG(comms[i]);
            }
            result = (*env)->NewLongArray(env, n);
            if (result != NULL) {
                (*env)->SetLongArrayRegion(env, result, 0, n, addresses);
            }
        }
    }
    free(list);
    free(comms);
    free(addresses);
    return result;
}

JNIEXPORT void JNICALL
Java_dev_baton_kernels_nccl_NcclNative_destroy(JNIEnv *env, jclass cls, jlong api_address, jlong comm) {
    nccl_api *api = SHIM_PTR(api_address);
    failed(env, api, NULL, "ncclCommDestroy", api->comm_destroy(SHIM_PTR(comm)));
}

JNIEXPORT void JNICALL
Java_dev_baton_kernels_nccl_NcclNative_abort(JNIEnv *env, jclass cls, jlong api_address, jlong comm) {
    nccl_api *api = SHIM_PTR(api_address);
    failed(env, api, NULL, "ncclCommAbort", api->comm_abort(SHIM_PTR(comm)));
}

/* The communicator's asynchronous state: 0 (ncclSuccess), 7 (ncclInProgress) or an error code. */
JNIEXPORT jint JNICALL
Java_dev_baton_kernels_nccl_NcclNative_asyncError(JNIEnv *env, jclass cls, jlong api_address, jlong comm) {
    nccl_api *api = SHIM_PTR(api_address);
    nccl_result state = 0;
    failed(env, api, SHIM_PTR(comm), "ncclCommGetAsyncError", api->comm_get_async_error(SHIM_PTR(comm), &state));
    return state;
}

/* {count, device, rank} of a communicator. */
JNIEXPORT jintArray JNICALL
Java_dev_baton_kernels_nccl_NcclNative_describe(JNIEnv *env, jclass cls, jlong api_address, jlong comm) {
    nccl_api *api = SHIM_PTR(api_address);
    jint values[3] = {0, 0, 0};
    if (failed(env, api, SHIM_PTR(comm), "ncclCommCount", api->comm_count(SHIM_PTR(comm), &values[0]))
        || failed(env, api, SHIM_PTR(comm), "ncclCommCuDevice", api->comm_cu_device(SHIM_PTR(comm), &values[1]))
        || failed(env, api, SHIM_PTR(comm), "ncclCommUserRank", api->comm_user_rank(SHIM_PTR(comm), &values[2]))) {
        return NULL;
    }
    jintArray result = (*env)->NewIntArray(env, 3);
    if (result != NULL) {
        (*env)->SetIntArrayRegion(env, result, 0, 3, values);
    }
    return result;
}

JNIEXPORT void JNICALL
Java_dev_baton_kernels_nccl_NcclNative_reduceScatter(JNIEnv *env, jclass cls, jlong api_address, jlong comm,
                                                     jlong send, jlong recv, jlong recv_count, jint type,
                                                     jint op, jlong stream) {
    nccl_api *api = SHIM_PTR(api_address);
    failed(env, api, SHIM_PTR(comm), "ncclReduceScatter",
           api->reduce_scatter(SHIM_PTR(send), SHIM_PTR(recv), (size_t) recv_count, type, op, SHIM_PTR(comm),
                               SHIM_PTR(stream)));
}

JNIEXPORT void JNICALL
Java_dev_baton_kernels_nccl_NcclNative_allGather(JNIEnv *env, jclass cls, jlong api_address, jlong comm,
                                                 jlong send, jlong recv, jlong send_count, jint type,
                                                 jlong stream) {
    nccl_api *api = SHIM_PTR(api_address);
    failed(env, api, SHIM_PTR(comm), "ncclAllGather",
           api->all_gather(SHIM_PTR(send), SHIM_PTR(recv), (size_t) send_count, type, SHIM_PTR(comm),
                           SHIM_PTR(stream)));
}

JNIEXPORT void JNICALL
Java_dev_baton_kernels_nccl_NcclNative_allReduce(JNIEnv *env, jclass cls, jlong api_address, jlong comm,
                                                 jlong send, jlong recv, jlong count, jint type, jint op,
                                                 jlong stream) {
    nccl_api *api = SHIM_PTR(api_address);
    failed(env, api, SHIM_PTR(comm), "ncclAllReduce",
           api->all_reduce(SHIM_PTR(send), SHIM_PTR(recv), (size_t) count, type, op, SHIM_PTR(comm),
                           SHIM_PTR(stream)));
}

JNIEXPORT void JNICALL
Java_dev_baton_kernels_nccl_NcclNative_broadcast(JNIEnv *env, jclass cls, jlong api_address, jlong comm,
                                                 jlong send, jlong recv, jlong count, jint type, jint root,
                                                 jlong stream) {
    nccl_api *api = SHIM_PTR(api_address);
    failed(env, api, SHIM_PTR(comm), "ncclBroadcast",
           api->broadcast(SHIM_PTR(send), SHIM_PTR(recv), (size_t) count, type, root, SHIM_PTR(comm),
                          SHIM_PTR(stream)));
}

JNIEXPORT void JNICALL
Java_dev_baton_kernels_nccl_NcclNative_groupStart(JNIEnv *env, jclass cls, jlong api_address) {
    nccl_api *api = SHIM_PTR(api_address);
    failed(env, api, NULL, "ncclGroupStart", api->group_start());
}

JNIEXPORT void JNICALL
Java_dev_baton_kernels_nccl_NcclNative_groupEnd(JNIEnv *env, jclass cls, jlong api_address) {
    nccl_api *api = SHIM_PTR(api_address);
    failed(env, api, NULL, "ncclGroupEnd", api->group_end());
}
