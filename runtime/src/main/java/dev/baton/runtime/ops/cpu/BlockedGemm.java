package dev.baton.runtime.ops.cpu;

import static dev.baton.runtime.ops.cpu.MicroKernel.MR;
import static dev.baton.runtime.ops.cpu.MicroKernel.NR;

/**
 * The packed, cache-blocked GEMM (Goto's scheme). For each block of nc columns, op(B) is packed
 * once over the whole depth (k × nc, sized to stay in L3) into NR-wide micro-panels; then every
 * task owns a tile of C of mc rows × a run of panels, packs its mc × kc block of op(A) per
 * depth slab (kept in L2) and sweeps the micro-kernel over it, each B micro-panel (kc × NR,
 * in L1 or L2 depending on kc) reused while all MR-row panels of A pass by. Only two fork-join
 * rounds per column block: one to pack B, one to compute; C is never copied.
 */
final class BlockedGemm {
    private final GemmTuning tuning;
    private final ThreadLocal<GemmWorkspace> workspaces;

    BlockedGemm(GemmTuning tuning, ThreadLocal<GemmWorkspace> workspaces) {
        this.tuning = tuning;
        this.workspaces = workspaces;
    }

    /**
     * Computes batch entries {@code [e0, e1)} of {@code pr}, which must share one op(B) (b 2-D
     * or a single entry), so that B is packed once for all of them.
     *
     * @param pf      runs the pack and compute tasks (the pool, or serially inside a pool task)
     * @param bOwner  the workspace whose packed-B buffer every task of this call reads
     */
    void multiply(MatmulProblem pr, int e0, int e1, ParallelFor pf, GemmWorkspace bOwner) {
        int m = pr.m();
        int n = pr.n();
        int k = pr.k();
        int kBlocks = ceilDiv(k, tuning.kcMax());
        int kc = ceilDiv(k, kBlocks);
        // equal row blocks, so that no task is left with a thin remainder
        int mc = roundUp(ceilDiv(m, ceilDiv(m, tuning.mcMax())), MR);
        int mBlocks = ceilDiv(m, mc);
        int ncMax = Math.max(NR, tuning.packedBFloats() / k / NR * NR);
        int nc = roundUp(ceilDiv(n, ceilDiv(n, ncMax)), NR);
        float[] bp = bOwner.packedB(k * nc);
        int entries = e1 - e0;
        for (int jc = 0; jc < n; jc += nc) {
            int jcStart = jc;
            int ncCur = Math.min(nc, n - jc);
            int panels = ceilDiv(ncCur, NR);
            pf.forEach(kBlocks * panels, u -> {
                int p0 = (u / panels) * kc;
                int panel = u % panels;
                int kcCur = Math.min(kc, k - p0);
                PanelPacking.packB(pr, e0, p0, kcCur, jcStart + panel * NR, Math.min(NR, ncCur - panel * NR),
                        bp, p0 * panels * NR + panel * kcCur * NR);
            });
            // split columns too when there are fewer row blocks than a few per thread
            int wanted = pf.parallelism() == 1 ? 1 : ceilDiv(3 * pf.parallelism(), entries * mBlocks);
            int chunkPanels = ceilDiv(panels, Math.min(panels, wanted));
            int chunks = ceilDiv(panels, chunkPanels);
            pf.forEach(entries * mBlocks * chunks, u -> {
                int chunk = u % chunks;
                int ib = (u / chunks) % mBlocks;
                int entry = e0 + u / (chunks * mBlocks);
                int panel0 = chunk * chunkPanels;
                computeTile(pr, entry, ib * mc, Math.min(mc, m - ib * mc), jcStart, ncCur, panel0,
                        Math.min(panels, panel0 + chunkPanels), panels, kc, bp);
            });
        }
    }

    /** C rows {@code [i0, i0+rows)} × panels {@code [panel0, panel1)} of the column block at jc. */
    private void computeTile(MatmulProblem pr, int entry, int i0, int rows, int jc, int ncCur,
                             int panel0, int panel1, int panels, int kc, float[] bp) {
        GemmWorkspace ws = workspaces.get();
        float[] ap = ws.packedA;
        float[] c = pr.c();
        int n = pr.n();
        int k = pr.k();
        int cRow0 = pr.cStart(entry) + i0 * n;
        for (int p0 = 0; p0 < k; p0 += kc) {
            int kcCur = Math.min(kc, k - p0);
            PanelPacking.packA(pr, entry, i0, rows, p0, kcCur, ap);
            // later depth slabs add onto what the first one stored
            float beta = p0 == 0 ? pr.beta() : 1f;
            int slab = p0 * panels * NR;
            for (int panel = panel0; panel < panel1; panel++) {
                int j = jc + panel * NR;
                int cols = Math.min(NR, jc + ncCur - j);
                int bo = slab + panel * kcCur * NR;
                for (int r = 0; r < rows; r += MR) {
                    MicroKernel.multiply(kcCur, ap, r * kcCur, bp, bo, c, cRow0 + r * n + j, n,
                            Math.min(MR, rows - r), cols, pr.alpha(), beta, ws.tile);
                }
            }
        }
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }
}
