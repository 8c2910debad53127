package dev.baton.runtime.data;

/**
 * One rank's micro-batch: a packed sequence of tokens, its next-token targets, and the
 * document boundaries as cumulative lengths ({@code cuSeqlens[0] = 0}, last real entry =
 * {@code inputs.length}, padded with {@code inputs.length} to a fixed count as the record does).
 */
public record Batch(int[] inputs, int[] targets, int[] cuSeqlens) {
    public Batch {
        if (inputs.length != targets.length) {
            throw new IllegalArgumentException(
                    "inputs and targets differ in length: " + inputs.length + " vs " + targets.length);
        }
    }

    public int length() {
        return inputs.length;
    }
}
