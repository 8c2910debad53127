package dev.baton.runtime.model;

import dev.baton.runtime.tensor.Tensor;

/**
 * What one forward fixes and its backward reuses: the sequence length, the device views of the
 * batch, the scalar parameters read once from the backend, the windows and softmax scales.
 */
final class StepContext {
    int tokens;
    Tensor ids;
    Tensor targets;
    Tensor cuSeqlens;
    float[] scalars;
    float[] x0Lambdas;
    float[] mtpWeights;
    boolean training;
    int shortWindow;
    int longWindow;
    Yarn yarn;
    Yarn pairedYarn;

    /** The first {@link #tokens} rows of a buffer sized for the longest sequence. */
    Tensor rows(Tensor full) {
        return full.narrow(0, tokens);
    }
}
