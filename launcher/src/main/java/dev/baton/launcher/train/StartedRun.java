package dev.baton.launcher.train;

import dev.baton.actors.cluster.ClusterRun;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.StopMode;
import dev.baton.actors.run.TrainingRun;

import java.util.concurrent.CompletableFuture;

/**
 * The run {@code baton train} waits on and stops on Ctrl-C: a {@link TrainingRun} in this process,
 * or this node's part of a multi-node {@link ClusterRun} (whose stop request reaches every node).
 */
public interface StartedRun extends AutoCloseable {
    /** Asks the run to stop; {@link #result()} completes once it has. */
    void requestStop(StopMode mode);

    /** The run's result as this process sees it (on a cluster, the same on every node). */
    CompletableFuture<RunResult> result();

    @Override
    void close();

    /** A run of every device in this process. */
    static StartedRun local(TrainingRun run) {
        return new StartedRun() {
            @Override
            public void requestStop(StopMode mode) {
                run.requestStop(mode);
            }

            @Override
            public CompletableFuture<RunResult> result() {
                return run.result();
            }

            @Override
            public void close() {
                run.close();
            }
        };
    }

    /** This node's part of a cluster run. */
    static StartedRun cluster(ClusterRun run) {
        return new StartedRun() {
            @Override
            public void requestStop(StopMode mode) {
                run.requestStop(mode);
            }

            @Override
            public CompletableFuture<RunResult> result() {
                return run.result();
            }

            @Override
            public void close() {
                run.close();
            }
        };
    }
}
