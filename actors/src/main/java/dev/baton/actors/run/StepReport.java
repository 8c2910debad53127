package dev.baton.actors.run;

import dev.baton.actors.worker.StepTimings;

import java.util.List;

/**
 * One finished step for progress reporting.
 *
 * @param loss      training loss: the ranks' losses averaged in rank order
 * @param tokens    tokens the step trained on, over all ranks and micro-steps
 * @param wallNanos coordinator's time from sending the step to the last rank's answer
 * @param workers   each rank's timings, in rank order
 * @param totalTokens training tokens of the run so far, this step included (a resumed run counts its checkpoint's)
 * @param trainNanos  training time of the run so far, this step included: the steps' wall times, without
 *                    evaluation and checkpoints (as the record times its runs)
 */
public record StepReport(long step, double loss, long tokens, long wallNanos, List<StepTimings> workers, long totalTokens,
                         long trainNanos) {
    public StepReport {
        workers = List.copyOf(workers);
    }
}
