package dev.baton.runtime.ops.cpu;

/**
 * The scratch arrays one thread uses inside a matmul: its packed A block, an edge tile, and
 * grow-only buffers for a packed B block and a gathered row. Reused call after call so that
 * the steady state allocates nothing; owned by one thread (or by the serialised caller).
 */
final class GemmWorkspace {
    /** One packed block of A: mcMax rows × kcMax depth. */
    final float[] packedA;
    /** One MR × NR accumulator tile, for edge tiles that do not fill a full micro-tile. */
    final float[] tile = new float[MicroKernel.MR * MicroKernel.NR];
    private float[] packedB = new float[0];
    private float[] row = new float[0];

    GemmWorkspace(GemmTuning tuning) {
        this.packedA = new float[tuning.mcMax() * tuning.kcMax()];
    }

    /** A buffer of at least {@code size} floats for a packed B block; contents undefined. */
    float[] packedB(int size) {
        if (packedB.length < size) {
            packedB = new float[size];
        }
        return packedB;
    }

    /** A buffer of at least {@code size} floats for one gathered row of A; contents undefined. */
    float[] row(int size) {
        if (row.length < size) {
            row = new float[size];
        }
        return row;
    }
}
