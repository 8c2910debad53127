package dev.baton.runtime.golf.eval;

/**
 * One forward of an evaluation: inputs {@code tokens[start, start + length)}, targets shifted by
 * one, and only the targets at window positions {@code [scoredFrom, length)} counted (the positions
 * before are context already scored by an earlier window).
 */
public record EvalWindow(int start, int length, int scoredFrom) {
    public EvalWindow {
        if (start < 0 || length < 1 || scoredFrom < 0 || scoredFrom >= length) {
            throw new IllegalArgumentException("evaluation window needs start >= 0, length >= 1 and 0 <= scoredFrom "
                    + "< length: " + start + ", " + length + ", " + scoredFrom);
        }
    }

    /** Targets this window counts. */
    public int scored() {
        return length - scoredFrom;
    }
}
