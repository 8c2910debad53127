package dev.baton.actors.worker;

import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.work.StepContext;
import dev.baton.runtime.data.Batch;

import java.nio.file.Path;
import java.util.List;

/**
 * The messages a {@link DeviceWorker} accepts. Within a step the scheduler sends every worker
 * the same commands in the same order; each command only enqueues work on the worker's streams
 * (with the event waits that order it), so no message handler ever blocks.
 */
public sealed interface WorkerCommand permits WorkerCommand.Step, WorkerCommand.CombineTied,
        WorkerCommand.LaunchCollective, WorkerCommand.RunUpdate, WorkerCommand.Gather, WorkerCommand.SyncTied,
        WorkerCommand.Untie, WorkerCommand.ClearGradients, WorkerCommand.FinishStep, WorkerCommand.Evaluate,
        WorkerCommand.SaveCheckpoint, WorkerCommand.LoadCheckpoint, WorkerCommand.LoadWeights, WorkerCommand.Stop,
        WorkerSignal {
    /** Starts step {@code ctx.step()}: forward and backward of each micro-batch on the compute stream. */
    record Step(StepContext ctx, List<Batch> microBatches) implements WorkerCommand {
        public Step {
            microBatches = List.copyOf(microBatches);
        }
    }

    /** While tied, on Adam steps: head.grad += embed.grad^T, before the head's reduce-scatter. */
    record CombineTied() implements WorkerCommand {
    }

    /** One collective of one parameter, part of a launch. */
    record PlannedCollective(String param, CommandKind kind) {
    }

    /**
     * Launches the gradient collectives of these parameters as one launch on the comm stream once
     * their gradients are ready (reduce-scatter for sharded, all-reduce for replicated ones).
     */
    record LaunchCollective(List<PlannedCollective> group) implements WorkerCommand {
        public LaunchCollective {
            group = List.copyOf(group);
        }
    }

    /** Updates this rank's shard of {@code param} once its collective has landed. */
    record RunUpdate(String param) implements WorkerCommand {
    }

    /** All-gathers the updated shards of {@code param} once this rank's update is done. */
    record Gather(String param) implements WorkerCommand {
    }

    /** While tied, after the head's all-gather: embed := head^T. */
    record SyncTied() implements WorkerCommand {
    }

    /** At the split step: gathers the head's optimizer state and makes it the embedding's, transposed. */
    record Untie() implements WorkerCommand {
    }

    /** Zeroes these gradients once their collectives have landed (the next backward accumulates afresh). */
    record ClearGradients(List<String> params) implements WorkerCommand {
        public ClearGradients {
            params = List.copyOf(params);
        }
    }

    /** Ends the step: the worker answers {@link WorkerReply.StepDone} once both streams drained. */
    record FinishStep(long step) implements WorkerCommand {
    }

    /** Evaluates the loss of these batches; answers {@link WorkerReply.Evaluated}. */
    record Evaluate(long step, List<Batch> batches) implements WorkerCommand {
        public Evaluate {
            batches = List.copyOf(batches);
        }
    }

    /** Writes this rank's part of the checkpoint of {@code step} into {@code dir}; answers {@link WorkerReply.Saved}. */
    record SaveCheckpoint(long step, Path dir) implements WorkerCommand {
    }

    /** Loads this rank's part from the committed checkpoint in {@code dir}; answers {@link WorkerReply.Loaded}. */
    record LoadCheckpoint(Path dir) implements WorkerCommand {
    }

    /** Loads the weights of a file in the run's weights layout ({@code --init-from}); answers {@link WorkerReply.Loaded}. */
    record LoadWeights(Path file) implements WorkerCommand {
    }

    /**
     * Stops the worker: with {@code abandon} false after the streams drained, with {@code abandon}
     * true at once (streams aborted).
     */
    record Stop(boolean abandon) implements WorkerCommand {
    }
}
