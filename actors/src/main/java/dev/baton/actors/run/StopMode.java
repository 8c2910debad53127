package dev.baton.actors.run;

/** How a stop request ends a run: after the current step (and its checkpoint), or at once. */
public enum StopMode {
    /** Finish the step in flight, write a checkpoint when one is configured and possible, then stop. */
    FINISH_STEP,
    /** Abort the step in flight; nothing is written, the last checkpoint stays as it was. */
    ABANDON
}
