package dev.baton.kernels.blas;

import dev.baton.kernels.shim.LibraryCandidates;
import dev.baton.kernels.shim.SharedLibrary;

import java.util.HashMap;
import java.util.Map;

/**
 * A cuBLASLt handle with its cache of GEMM plans: bf16 (or fp32) GEMMs with fp32 accumulation
 * on a caller's stream and workspace.
 *
 * <p>The heuristic runs once per {@link GemmKey} (shape, types, alignment, workspace limit);
 * later calls with the same key reuse the chosen algorithm. Owned by one thread (a device
 * worker): not thread-safe. {@link #close()} destroys the plans and the handle.
 */
public final class CublasLt implements AutoCloseable {
    /** The workspace cuBLAS recommends for Hopper GPUs. */
    public static final long RECOMMENDED_WORKSPACE_BYTES = 32L << 20;

    private final SharedLibrary library;
    private final long context;
    private final Map<GemmKey, Long> plans = new HashMap<>();
    private boolean open = true;

    private CublasLt(SharedLibrary library, long context) {
        this.library = library;
        this.context = context;
    }

    /** Opens cuBLASLt from the default places ({@link LibraryCandidates#cublasLt}) and creates a handle. */
    public static CublasLt create() {
        return create(openLibrary(System.getenv()));
    }

    /** Creates a handle on an already opened cuBLASLt. */
    public static CublasLt create(SharedLibrary library) {
        return new CublasLt(library, CublasLtNative.create(library.handle()));
    }

    /** Finds and opens libcublasLt (13, else 12). */
    public static SharedLibrary openLibrary(Map<String, String> env) {
        return SharedLibrary.open("cuBLASLt", LibraryCandidates.cublasLt(env), "cublasLtCreate");
    }

    /** The file that was loaded. */
    public String libraryPath() {
        return library.path();
    }

    /** cublasLtGetVersion(): major·10000 + minor·100 + patch. */
    public long version() {
        requireOpen();
        return CublasLtNative.version(context);
    }

    /** Number of cached plans (one per distinct key seen). */
    public int cachedPlans() {
        return plans.size();
    }

    /**
     * Enqueues {@code C = alpha · op(A)·op(B) + beta · C} (row-major, see {@link Gemm}) on
     * {@code stream}. With beta = 1 and an fp32 C this accumulates into C, e.g. gradients.
     *
     * @param a device address of A's first batch entry
     * @param b device address of B's first batch entry
     * @param c device address of C's first batch entry (read when beta != 0, then written)
     * @param workspace device scratch memory of {@code workspaceBytes}, not used concurrently
     *                  by another stream
     */
    public void gemm(Gemm gemm, long a, long b, long c, float alpha, float beta,
                     long workspace, long workspaceBytes, long stream) {
        requireOpen();
        ColumnMajorGemm cm = gemm.toColumnMajor();
        // cuBLASLt's A is our B and its B our A (see Gemm.toColumnMajor)
        long ltA = b;
        long ltB = a;
        GemmKey key = new GemmKey(cm, GemmKey.alignment(ltA), GemmKey.alignment(ltB), GemmKey.alignment(c),
                workspaceBytes);
        long plan = plans.computeIfAbsent(key, this::createPlan);
        CublasLtNative.matmul(context, plan, alpha, beta, ltA, ltB, c, workspace, workspaceBytes, stream);
    }

    private long createPlan(GemmKey key) {
        ColumnMajorGemm g = key.gemm();
        return CublasLtNative.planCreate(context, g.transA(), g.transB(), g.m(), g.n(), g.k(),
                g.typeA().cudaDataType(), g.typeB().cudaDataType(), g.typeC().cudaDataType(),
                g.lda(), g.ldb(), g.ldc(), g.batch(), g.strideA(), g.strideB(), g.strideC(),
                key.alignA(), key.alignB(), key.alignC(), key.workspaceLimit());
    }

    /** The shim's context address, for tests of the native error path. */
    long context() {
        requireOpen();
        return context;
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("cuBLASLt handle is closed");
        }
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            plans.values().forEach(p -> CublasLtNative.planDestroy(context, p));
            plans.clear();
            CublasLtNative.destroy(context);
        }
    }
}
