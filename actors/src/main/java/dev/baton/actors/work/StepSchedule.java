package dev.baton.actors.work;

/** The per-step decisions the scheduler needs from the training schedule. */
public interface StepSchedule {
    /** True when Adam parameters are updated at {@code step}; otherwise their gradients keep accumulating. */
    boolean adamStep(long step);

    /** The step after whose update embed and lm_head are untied, or -1 when they never are tied. */
    long splitStep();

    /** The record's rule: Adam on odd steps, untie after step {@code split}. */
    static StepSchedule oddAdamSteps(long split) {
        return new StepSchedule() {
            @Override
            public boolean adamStep(long step) {
                return step % 2 == 1;
            }

            @Override
            public long splitStep() {
                return split;
            }
        };
    }

    /** Adam every step and no tie: the plainest schedule. */
    static StepSchedule everyStep() {
        return new StepSchedule() {
            @Override
            public boolean adamStep(long step) {
                return true;
            }

            @Override
            public long splitStep() {
                return -1;
            }
        };
    }
}
