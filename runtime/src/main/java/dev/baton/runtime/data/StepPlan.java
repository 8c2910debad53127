package dev.baton.runtime.data;

/**
 * One optimizer step's data for every rank and accumulation micro-step. The global batch is cut
 * into {@code worldSize * accumSteps} slices of {@link #localTokens()} tokens; micro-step {@code a}
 * of rank {@code r} gets slice {@code a * worldSize + r}, so the tokens of a step do not depend on
 * how the product W·A is factored. A plan is cheap (positions only); {@link #batch} copies tokens.
 */
public sealed interface StepPlan permits AlignedStep, StreamStep {
    int worldSize();

    int accumSteps();

    /** Tokens per rank and micro-step (inputs length of each batch). */
    int localTokens();

    /** The micro-batch of rank {@code rank} for accumulation step {@code microStep}. */
    Batch batch(int microStep, int rank);

    /** Tokens in the whole step over all ranks and micro-steps. */
    default long globalTokens() {
        return (long) localTokens() * worldSize() * accumSteps();
    }

    /** Checks the indices and returns the slice number. */
    default int slice(int microStep, int rank) {
        if (microStep < 0 || microStep >= accumSteps() || rank < 0 || rank >= worldSize()) {
            throw new IndexOutOfBoundsException("micro-step " + microStep + " of " + accumSteps() + ", rank " + rank
                    + " of " + worldSize());
        }
        return microStep * worldSize() + rank;
    }
}
