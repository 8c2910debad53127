package dev.baton.runtime.ops.cpu;

/**
 * The fp32 GEMM of the CPU backend, {@code c = alpha · op(a) · op(b) + beta · c} with the
 * semantics of {@code Ops.matmul}, on a ForkJoinPool of its own that spans every core.
 *
 * <p>Four routes, chosen per call: outputs at most one vector wide (the gates) run
 * {@link NarrowGemm}; other small or thin problems run {@link DirectGemm}; large ones run
 * {@link BlockedGemm}, parallel over tiles of C. Products below about 100³ multiply-adds stay
 * on the calling thread whatever their route. Batches of large per-entry problems (the
 * optimizer's (n, 768, 768) stacks) run one entry per task when there are enough entries to
 * keep every thread busy, which avoids any barrier. A batch of row-major a against a shared b
 * is folded into one taller product first.
 *
 * <p>Calls are serialised: the packed-B buffer and the pool are shared by the tasks of one call.
 */
final class CpuMatmul implements AutoCloseable {
    /** Multiply-adds below which a direct-path task would cost more to schedule than to run. */
    private static final long MIN_TASK_WORK = 1 << 14;
    private final PoolParallelFor pool;
    private final GemmTuning tuning;
    private final ThreadLocal<GemmWorkspace> workspaces;
    /** Holds the packed B that all tasks of a pool-wide blocked call read. */
    private final GemmWorkspace callWorkspace;
    private final BlockedGemm blocked;

    CpuMatmul(int threads) {
        this(threads, GemmTuning.DEFAULT);
    }

    CpuMatmul(int threads, GemmTuning tuning) {
        this.pool = new PoolParallelFor(threads);
        this.tuning = tuning;
        this.workspaces = ThreadLocal.withInitial(() -> new GemmWorkspace(tuning));
        this.callWorkspace = new GemmWorkspace(tuning);
        this.blocked = new BlockedGemm(tuning, workspaces);
    }

    synchronized void run(CpuTensor a, boolean transA, CpuTensor b, boolean transB, CpuTensor c, float alpha, float beta) {
        MatmulProblem pr = MatmulProblem.of(a, transA, b, transB, c, alpha, beta).foldBatchIntoRows();
        if (pr.batch() == 0 || pr.m() == 0 || pr.n() == 0) {
            return;
        }
        ParallelFor pf = (long) pr.batch() * pr.m() * pr.n() * pr.k() >= tuning.minParallelWork()
                ? pool : ParallelFor.SERIAL;
        if (pr.k() == 0 || alpha == 0f) {
            scale(pr);
        } else if (tuning.narrow(pr.m(), pr.n())) {
            narrow(pr, pf);
        } else if (!tuning.packed(pr.m(), pr.n(), pr.k())) {
            direct(pr, pf);
        } else if (pr.bShared()) {
            blocked.multiply(pr, 0, pr.batch(), pf, callWorkspace);
        } else if (pf != ParallelFor.SERIAL && entryPerTask(pr.batch())) {
            pool.forEach(pr.batch(), e -> blocked.multiply(pr, e, e + 1, ParallelFor.SERIAL, workspaces.get()));
        } else {
            for (int e = 0; e < pr.batch(); e++) {
                blocked.multiply(pr, e, e + 1, pf, callWorkspace);
            }
        }
    }

    /** Whole entries per thread balance well when they divide evenly or are many. */
    private boolean entryPerTask(int batch) {
        int threads = pool.parallelism();
        return threads > 1 && batch >= threads && (batch % threads == 0 || batch >= 4 * threads);
    }

    private void direct(MatmulProblem pr, ParallelFor pf) {
        int m = pr.m();
        int chunks = BlockedGemm.ceilDiv(pr.n(), DirectGemm.COLUMNS_PER_TASK);
        int width = BlockedGemm.ceilDiv(pr.n(), chunks);
        // rows per task so that one task is worth at least MIN_TASK_WORK multiply-adds
        int rows = (int) Math.min(m, Math.max(1, MIN_TASK_WORK / ((long) width * pr.k() + 1)));
        int rowBlocks = BlockedGemm.ceilDiv(m, rows);
        pf.forEach(pr.batch() * rowBlocks * chunks, u -> {
            int j0 = (u % chunks) * width;
            int block = u / chunks;
            int i0 = (block % rowBlocks) * rows;
            DirectGemm.block(pr, block / rowBlocks, i0, Math.min(m, i0 + rows), j0, Math.min(pr.n(), j0 + width),
                    workspaces.get());
        });
    }

    private void narrow(MatmulProblem pr, ParallelFor pf) {
        int m = pr.m();
        int size = NarrowGemm.packedSize(pr.n(), pr.k());
        int packs = pr.bBatchStride() == 0 ? 1 : pr.batch();
        float[] bt = callWorkspace.packedB(packs * size);
        for (int e = 0; e < packs; e++) {
            NarrowGemm.packB(pr, e, bt, e * size);
        }
        int rows = (int) Math.min(m, Math.max(NarrowGemm.ROWS,
                MIN_TASK_WORK / ((long) pr.n() * pr.k() + 1) / NarrowGemm.ROWS * NarrowGemm.ROWS));
        int rowBlocks = BlockedGemm.ceilDiv(m, rows);
        pf.forEach(pr.batch() * rowBlocks, u -> {
            int entry = u / rowBlocks;
            int i0 = (u % rowBlocks) * rows;
            NarrowGemm.rows(pr, entry, i0, Math.min(m, i0 + rows), bt, packs == 1 ? 0 : entry * size,
                    workspaces.get().tile);
        });
    }

    /** {@code c = beta · c}, for an empty depth or alpha 0 (a and b are not read). */
    private static void scale(MatmulProblem pr) {
        float[] c = pr.c();
        int from = pr.cStart(0);
        int to = from + pr.batch() * pr.m() * pr.n();
        for (int i = from; i < to; i++) {
            c[i] = pr.beta() == 0f ? 0f : pr.beta() * c[i];
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
