/*
 * cuBLASLt through dlopen (JNI side of dev.baton.kernels.blas.CublasLt).
 *
 * Only the calls Baton needs, with prototypes written here from the cuBLASLt documentation:
 * handle create/destroy, matmul descriptors and layouts, the heuristic query, and cublasLtMatmul.
 * A "plan" holds the descriptors and the chosen algorithm for one shape key; the Java side
 * caches plans per key, so the heuristic runs once per shape.
 */
#include "shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int lt_status;
typedef void *lt_handle;
typedef void *lt_desc;
typedef void *lt_layout;
typedef void *lt_pref;

/* cublasLtMatmulAlgo_t and cublasLtMatmulHeuristicResult_t, laid out as in cublasLt.h. */
typedef struct {
    uint64_t data[8];
} lt_algo;

typedef struct {
    lt_algo algo;
    size_t workspace_size;
    lt_status state;
    float waves_count;
    int reserved[4];
} lt_heuristic;

/* Enum values from cublasLt.h / cublas_api.h (stable across CUDA 11 to 13). */
enum {
    CUBLAS_STATUS_SUCCESS = 0,
    CUBLAS_STATUS_NOT_SUPPORTED = 15,
    CUBLAS_COMPUTE_32F = 68,
    CUDA_R_32F = 0,
    DESC_TRANSA = 3,
    DESC_TRANSB = 4,
    LAYOUT_BATCH_COUNT = 5,
    LAYOUT_STRIDED_BATCH_OFFSET = 6,
    PREF_MAX_WORKSPACE_BYTES = 1,
    PREF_MIN_ALIGNMENT_A_BYTES = 5,
    PREF_MIN_ALIGNMENT_B_BYTES = 6,
    PREF_MIN_ALIGNMENT_C_BYTES = 7,
    PREF_MIN_ALIGNMENT_D_BYTES = 8,
};

/* Function table; the order matches LT_SYMBOLS. */
typedef struct {
    lt_status (*create)(lt_handle *);
    lt_status (*destroy)(lt_handle);
    size_t (*get_version)(void);
    lt_status (*desc_create)(lt_desc *, int compute_type, int scale_type);
    lt_status (*desc_destroy)(lt_desc);
    lt_status (*desc_set)(lt_desc, int attribute, const void *value, size_t size);
    lt_status (*layout_create)(lt_layout *, int type, uint64_t rows, uint64_t cols, int64_t ld);
    lt_status (*layout_destroy)(lt_layout);
    lt_status (*layout_set)(lt_layout, int attribute, const void *value, size_t size);
    lt_status (*pref_create)(lt_pref *);
    lt_status (*pref_destroy)(lt_pref);
    lt_status (*pref_set)(lt_pref, int attribute, const void *value, size_t size);
    lt_status (*heuristic)(lt_handle, lt_desc, lt_layout a, lt_layout b, lt_layout c, lt_layout d,
                           lt_pref, int requested, lt_heuristic *results, int *returned);
    lt_status (*matmul)(lt_handle, lt_desc, const void *alpha, const void *a, lt_layout,
                        const void *b, lt_layout, const void *beta, const void *c, lt_layout,
                        void *d, lt_layout, const lt_algo *algo, void *workspace,
                        size_t workspace_size, void *stream);
    const char *(*status_name)(lt_status);
    const char *(*status_string)(lt_status);
} lt_api;

static const char *const LT_SYMBOLS[] = {
    "cublasLtCreate", "cublasLtDestroy", "cublasLtGetVersion",
    "cublasLtMatmulDescCreate", "cublasLtMatmulDescDestroy", "cublasLtMatmulDescSetAttribute",
    "cublasLtMatrixLayoutCreate", "cublasLtMatrixLayoutDestroy", "cublasLtMatrixLayoutSetAttribute",
    "cublasLtMatmulPreferenceCreate", "cublasLtMatmulPreferenceDestroy",
    "cublasLtMatmulPreferenceSetAttribute", "cublasLtMatmulAlgoGetHeuristic", "cublasLtMatmul",
    "?cublasLtGetStatusName", "?cublasLtGetStatusString",
};

#define LT_SYMBOL_COUNT ((int) (sizeof LT_SYMBOLS / sizeof LT_SYMBOLS[0]))
_Static_assert(sizeof(lt_api) == sizeof LT_SYMBOLS / sizeof LT_SYMBOLS[0] * sizeof(void *),
               "lt_api must hold exactly one function pointer per symbol");

typedef struct {
    lt_api api;
    lt_handle handle;
} lt_context;

typedef struct {
    lt_desc desc;
    lt_layout a, b, c;
    lt_algo algo;
    size_t workspace;
    char shape[160]; /* for error messages */
} lt_plan;

static const char *LIBRARY = "cuBLASLt";

static const char *fallback_status_name(lt_status s) {
    switch (s) {
    case 0: return "CUBLAS_STATUS_SUCCESS";
    case 1: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case 3: return "CUBLAS_STATUS_ALLOC_FAILED";
    case 7: return "CUBLAS_STATUS_INVALID_VALUE";
    case 8: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case 11: return "CUBLAS_STATUS_MAPPING_ERROR";
    case 13: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case 14: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case 15: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case 16: return "CUBLAS_STATUS_LICENSE_ERROR";
    default: return "CUBLAS_STATUS_UNKNOWN";
    }
}

/* Raises NativeCallException for a failed status and returns nonzero; returns 0 on success. */
static int failed(JNIEnv *env, const lt_api *api, const char *call, lt_status s, const char *context) {
    if (s == CUBLAS_STATUS_SUCCESS) {
        return 0;
    }
    const char *name = api->status_name != NULL ? api->status_name(s) : fallback_status_name(s);
    const char *text = api->status_string != NULL ? api->status_string(s) : "";
    char detail[512];
    snprintf(detail, sizeof detail, "%s%s%s", text, context[0] != '\0' ? "; " : "", context);
    shim_throw_call(env, LIBRARY, call, s, name, detail);
    return 1;
}

JNIEXPORT jlong JNICALL
Java_dev_baton_kernels_blas_CublasLtNative_create(JNIEnv *env, jclass cls, jlong library) {
    lt_context *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) {
        shim_throw_out_of_memory(env, "cuBLASLt context");
        return 0;
    }
    if (shim_resolve(env, SHIM_PTR(library), LIBRARY, LT_SYMBOLS, (void **) &ctx->api,
                     LT_SYMBOL_COUNT) != 0
        || failed(env, &ctx->api, "cublasLtCreate", ctx->api.create(&ctx->handle), "")) {
        free(ctx);
        return 0;
    }
    return SHIM_LONG(ctx);
}

JNIEXPORT void JNICALL
Java_dev_baton_kernels_blas_CublasLtNative_destroy(JNIEnv *env, jclass cls, jlong context) {
    lt_context *ctx = SHIM_PTR(context);
    lt_status s = ctx->api.destroy(ctx->handle);
    lt_api api = ctx->api;
    free(ctx);
    failed(env, &api, "cublasLtDestroy", s, "");
}

JNIEXPORT jlong JNICALL
Java_dev_baton_kernels_blas_CublasLtNative_version(JNIEnv *env, jclass cls, jlong context) {
    lt_context *ctx = SHIM_PTR(context);
    return (jlong) ctx->api.get_version();
}

static void plan_free(const lt_api *api, lt_plan *plan) {
    if (plan->a != NULL) api->layout_destroy(plan->a);
    if (plan->b != NULL) api->layout_destroy(plan->b);
    if (plan->c != NULL) api->layout_destroy(plan->c);
    if (plan->desc != NULL) api->desc_destroy(plan->desc);
    free(plan);
}

static int make_layout(JNIEnv *env, const lt_api *api, lt_layout *layout, const char *which, int type,
                       jlong rows, jlong cols, jlong ld, jint batch, jlong stride) {
    char context[96];
    snprintf(context, sizeof context, "layout %s (%lld x %lld, ld %lld)", which, (long long) rows,
             (long long) cols, (long long) ld);
    if (failed(env, api, "cublasLtMatrixLayoutCreate",
               api->layout_create(layout, type, (uint64_t) rows, (uint64_t) cols, (int64_t) ld), context)) {
        return -1;
    }
    if (batch > 1) {
        int32_t count = batch;
        int64_t offset = stride;
        if (failed(env, api, "cublasLtMatrixLayoutSetAttribute",
                   api->layout_set(*layout, LAYOUT_BATCH_COUNT, &count, sizeof count), context)
            || failed(env, api, "cublasLtMatrixLayoutSetAttribute",
                      api->layout_set(*layout, LAYOUT_STRIDED_BATCH_OFFSET, &offset, sizeof offset), context)) {
            return -1;
        }
    }
    return 0;
}

/*
 * Builds the descriptors of D = alpha * op(A) op(B) + beta * C (column-major, as cuBLASLt sees
 * it; C and D share one layout and one buffer) and asks the heuristic for the best algorithm
 * that fits the workspace limit and the operands' alignment.
 */
JNIEXPORT jlong JNICALL
Java_dev_baton_kernels_blas_CublasLtNative_planCreate(
        JNIEnv *env, jclass cls, jlong context, jboolean trans_a, jboolean trans_b,
        jlong m, jlong n, jlong k, jint type_a, jint type_b, jint type_c,
        jlong lda, jlong ldb, jlong ldc, jint batch, jlong stride_a, jlong stride_b, jlong stride_c,
        jint align_a, jint align_b, jint align_c, jlong workspace_limit) {
    lt_context *ctx = SHIM_PTR(context);
    const lt_api *api = &ctx->api;
    lt_plan *plan = calloc(1, sizeof *plan);
    if (plan == NULL) {
        shim_throw_out_of_memory(env, "cuBLASLt plan");
        return 0;
    }
    char *shape = plan->shape;
    snprintf(plan->shape, sizeof plan->shape, "m=%lld n=%lld k=%lld op=%c%c batch=%d types=%d/%d/%d",
             (long long) m, (long long) n, (long long) k, trans_a ? 'T' : 'N', trans_b ? 'T' : 'N',
             (int) batch, (int) type_a, (int) type_b, (int) type_c);
    int32_t op_a = trans_a ? 1 : 0;
    int32_t op_b = trans_b ? 1 : 0;
    if (failed(env, api, "cublasLtMatmulDescCreate",
               api->desc_create(&plan->desc, CUBLAS_COMPUTE_32F, CUDA_R_32F), shape)
        || failed(env, api, "cublasLtMatmulDescSetAttribute",
                  api->desc_set(plan->desc, DESC_TRANSA, &op_a, sizeof op_a), shape)
        || failed(env, api, "cublasLtMatmulDescSetAttribute",
                  api->desc_set(plan->desc, DESC_TRANSB, &op_b, sizeof op_b), shape)
        || make_layout(env, api, &plan->a, "A", type_a, trans_a ? k : m, trans_a ? m : k, lda, batch, stride_a)
        || make_layout(env, api, &plan->b, "B", type_b, trans_b ? n : k, trans_b ? k : n, ldb, batch, stride_b)
        || make_layout(env, api, &plan->c, "C", type_c, m, n, ldc, batch, stride_c)) {
        plan_free(api, plan);
        return 0;
    }
    lt_pref pref = NULL;
    uint64_t limit = (uint64_t) workspace_limit;
    uint32_t alignments[4] = {(uint32_t) align_a, (uint32_t) align_b, (uint32_t) align_c, (uint32_t) align_c};
    int alignment_attributes[4] = {PREF_MIN_ALIGNMENT_A_BYTES, PREF_MIN_ALIGNMENT_B_BYTES,
                                   PREF_MIN_ALIGNMENT_C_BYTES, PREF_MIN_ALIGNMENT_D_BYTES};
    if (failed(env, api, "cublasLtMatmulPreferenceCreate", api->pref_create(&pref), shape)) {
        plan_free(api, plan);
        return 0;
    }
    int bad = failed(env, api, "cublasLtMatmulPreferenceSetAttribute",
                     api->pref_set(pref, PREF_MAX_WORKSPACE_BYTES, &limit, sizeof limit), shape);
    for (int i = 0; i < 4 && !bad; i++) {
        bad = failed(env, api, "cublasLtMatmulPreferenceSetAttribute",
                     api->pref_set(pref, alignment_attributes[i], &alignments[i], sizeof alignments[i]), shape);
    }
    lt_heuristic result;
    int returned = 0;
    memset(&result, 0, sizeof result);
    if (!bad) {
        bad = failed(env, api, "cublasLtMatmulAlgoGetHeuristic",
                     api->heuristic(ctx->handle, plan->desc, plan->a, plan->b, plan->c, plan->c, pref, 1,
                                    &result, &returned), shape);
    }
    api->pref_destroy(pref);
    if (!bad && returned == 0) {
        shim_throw_call(env, LIBRARY, "cublasLtMatmulAlgoGetHeuristic", CUBLAS_STATUS_NOT_SUPPORTED,
                        "CUBLAS_STATUS_NOT_SUPPORTED", "no algorithm for this shape, alignment and workspace");
        bad = 1;
    }
    if (bad) {
        plan_free(api, plan);
        return 0;
    }
    plan->algo = result.algo;
    plan->workspace = result.workspace_size;
    return SHIM_LONG(plan);
}

JNIEXPORT jlong JNICALL
Java_dev_baton_kernels_blas_CublasLtNative_planWorkspace(JNIEnv *env, jclass cls, jlong plan) {
    return (jlong) ((lt_plan *) SHIM_PTR(plan))->workspace;
}

JNIEXPORT void JNICALL
Java_dev_baton_kernels_blas_CublasLtNative_planDestroy(JNIEnv *env, jclass cls, jlong context, jlong plan) {
    lt_context *ctx = SHIM_PTR(context);
    plan_free(&ctx->api, SHIM_PTR(plan));
}

/* Enqueues D = alpha * op(A) op(B) + beta * C with D == C on the stream; returns at once. */
JNIEXPORT void JNICALL
Java_dev_baton_kernels_blas_CublasLtNative_matmul(
        JNIEnv *env, jclass cls, jlong context, jlong plan_address, jfloat alpha, jfloat beta,
        jlong a, jlong b, jlong c, jlong workspace, jlong workspace_bytes, jlong stream) {
    lt_context *ctx = SHIM_PTR(context);
    lt_plan *plan = SHIM_PTR(plan_address);
    if ((size_t) workspace_bytes < plan->workspace) {
        char message[160];
        snprintf(message, sizeof message, "cuBLASLt plan needs %zu workspace bytes, got %lld",
                 plan->workspace, (long long) workspace_bytes);
        shim_throw_illegal_argument(env, message);
        return;
    }
    float alpha_value = alpha;
    float beta_value = beta;
    failed(env, &ctx->api, "cublasLtMatmul",
           ctx->api.matmul(ctx->handle, plan->desc, &alpha_value, SHIM_PTR(a), plan->a, SHIM_PTR(b), plan->b,
                           &beta_value, SHIM_PTR(c), plan->c, SHIM_PTR(c), plan->c, &plan->algo,
                           SHIM_PTR(workspace), (size_t) workspace_bytes, SHIM_PTR(stream)),
           plan->shape);
}
