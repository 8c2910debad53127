package dev.baton.runtime.schedule;

/** How the multi-token-prediction loss weights evolve over the scheduled iterations. */
public enum MtpRule {
    /**
     * The record's rule with x = step / scheduled iterations: [1, 0.5, 0.25·(1−3x)] while
     * x &lt; 1/3, then [1, 0.5·(1−(3x−1))] while x &lt; 2/3, then [1] (next token only).
     */
    RECORD,
    /** Next-token prediction only: [1] at every step. */
    NEXT_TOKEN
}
