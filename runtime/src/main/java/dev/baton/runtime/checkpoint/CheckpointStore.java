package dev.baton.runtime.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The checkpoint folder of a run: {@code step-NNNNNNNN/} folders (resuming at step N), each
 * complete once its {@code index.json} is in place, and a {@code latest} file naming the newest.
 * A checkpoint is assembled in a hidden temp folder and renamed into place, so an interrupted or
 * failed write never damages the checkpoint before it (the layout of the actor runtime's sharded
 * checkpoints, docs/checkpoint-format.md).
 */
public final class CheckpointStore {
    public static final String LATEST = "latest";

    private final Path root;
    private final int keep;

    /** @param keep complete checkpoints kept after each commit (older ones are deleted); 0 keeps all */
    public CheckpointStore(Path root, int keep) {
        this.root = root;
        this.keep = keep;
    }

    public Path root() {
        return root;
    }

    /** The folder name of the checkpoint that resumes at {@code nextStep}. */
    public static String folderName(long nextStep) {
        return String.format("step-%08d", nextStep);
    }

    /** A fresh hidden temp folder for the checkpoint that resumes at {@code nextStep}. */
    public Path begin(long nextStep) {
        try {
            Files.createDirectories(root);
            return Files.createTempDirectory(root, "." + folderName(nextStep) + ".tmp-");
        } catch (IOException e) {
            throw new CheckpointException("cannot create a checkpoint under " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves a temp folder that already holds its {@code index.json} into place, points
     * {@code latest} at it and prunes old checkpoints. Returns the final folder.
     */
    public Path commit(Path tmp, long nextStep) {
        if (!Files.isRegularFile(tmp.resolve(CheckpointIndex.FILE))) {
            throw new IllegalStateException("a checkpoint is committed after its " + CheckpointIndex.FILE + " is written");
        }
        Path target = root.resolve(folderName(nextStep));
        try {
            if (Files.exists(target)) {
                // the same step from an earlier attempt: replace it only now that the new one is whole
                Path old = Files.createTempDirectory(root, "." + folderName(nextStep) + ".old-");
                Files.move(target, old.resolve("c"), StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            } else {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            Path latestTmp = root.resolve(LATEST + ".tmp");
            Files.writeString(latestTmp, target.getFileName() + "\n", StandardCharsets.UTF_8);
            Files.move(latestTmp, root.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            prune(target);
            return target;
        } catch (IOException e) {
            throw new CheckpointException("cannot complete checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /** Removes an abandoned temp folder (best effort: a hidden leftover harms nothing). */
    public void discard(Path tmp) {
        try {
            deleteTree(tmp);
        } catch (IOException ignored) {
            // the next run ignores hidden folders
        }
    }

    /** The newest complete checkpoint named by {@code latest}, if any. */
    public Optional<Path> latest() {
        Path f = root.resolve(LATEST);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            Path dir = root.resolve(Files.readString(f, StandardCharsets.UTF_8).trim());
            return Files.isRegularFile(dir.resolve(CheckpointIndex.FILE)) ? Optional.of(dir) : Optional.empty();
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** Complete checkpoint folders, oldest first. */
    public List<Path> complete() {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, "step-*")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p.resolve(CheckpointIndex.FILE))) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot list " + root + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    private void prune(Path kept) throws IOException {
        if (keep <= 0) {
            return;
        }
        List<Path> all = complete();
        for (int i = 0; i < all.size() - keep; i++) {
            if (!all.get(i).equals(kept)) {
                deleteTree(all.get(i));
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
