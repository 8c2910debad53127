package dev.baton.actors.work;

/**
 * The tied input embedding and output head: {@code embed} is (V, d), {@code head} its transpose
 * (d, V); while tied the head's gradient absorbs the embedding's and the embedding copies the head.
 */
public record TiedPair(String embed, String head) {
    /** The record's names. */
    public static TiedPair record() {
        return new TiedPair("embed", "lm_head");
    }
}
