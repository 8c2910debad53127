package dev.baton.runtime.schedule;

/**
 * Sliding-window sizes of one step in blocks of {@code blockSize} tokens; a query sees keys at
 * distance 0..{@code tokens} (the flash-attention left window), so the token counts are exact.
 */
public record AttentionWindows(int shortBlocks, int longBlocks, int blockSize) {
    public int shortTokens() {
        return shortBlocks * blockSize;
    }

    public int longTokens() {
        return longBlocks * blockSize;
    }
}
