package dev.baton.launcher.train;

import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.checkpoint.CheckpointIndex;
import dev.baton.runtime.checkpoint.CheckpointStore;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the checkpoint folder a command names: a {@code step-NNNNNNNN} folder itself, or a
 * checkpoint directory (its {@code latest}). Every miss is one message naming the path.
 */
public final class CheckpointLocation {
    private CheckpointLocation() {
    }

    /** {@code given} when it is a checkpoint folder, else the newest checkpoint inside it. */
    public static Path resolve(Path given) {
        if (Files.isRegularFile(given.resolve(CheckpointIndex.FILE))) {
            return given;
        }
        if (!Files.isDirectory(given)) {
            throw new CheckpointException("checkpoint " + given + " does not exist");
        }
        return new CheckpointStore(given, 0).latest().orElseThrow(() -> new CheckpointException(given
                + " holds no complete checkpoint (a step-NNNNNNNN folder with an " + CheckpointIndex.FILE
                + ", or a '" + CheckpointStore.LATEST + "' file naming one)"));
    }
}
