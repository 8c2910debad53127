package dev.baton.actors.run;

/**
 * When a run writes a checkpoint, decided after each step (and its evaluation): every
 * {@code checkpoint-every} steps, after the last step and when stopping on request, but only after
 * a step that consumed every gradient (an Adam step of the record's schedule), because a checkpoint
 * holds no half-accumulated gradient: one due after another step is deferred to the next such step
 * (the first deferral with a notice). After the last step it is written anyway, marked as holding
 * pending gradients: it then evaluates and samples but does not resume.
 */
final class CheckpointPolicy {
    /** What to do after a step. */
    enum Action {
        NONE,
        /** Due but deferred; tell the user (the first time for this checkpoint). */
        DEFER_WITH_NOTICE,
        /** Still deferred. */
        DEFER,
        WRITE
    }

    private final int every;
    private final boolean atEnd;
    private final long steps;
    private boolean deferred;

    CheckpointPolicy(RunSettings settings) {
        this.every = settings.checkpointEvery();
        this.atEnd = settings.checkpointAtEnd();
        this.steps = settings.steps();
    }

    /**
     * @param stepsDone steps completed
     * @param consumed  true when the last step left no gradient accumulating
     * @param stopping  true when the run stops after this step (a stop request, at an Adam step)
     */
    Action after(long stepsDone, boolean consumed, boolean stopping) {
        boolean end = stepsDone >= steps;
        boolean due = deferred || (every > 0 && stepsDone % every == 0) || ((end || stopping) && atEnd);
        if (!due) {
            return Action.NONE;
        }
        if (!consumed && !end) {
            boolean first = !deferred;
            deferred = true;
            return first ? Action.DEFER_WITH_NOTICE : Action.DEFER;
        }
        deferred = false;
        return Action.WRITE;
    }
}
