package dev.baton.actors.checkpoint;

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
 * The checkpoint folder of a run: {@code step-NNNNNNNN/} directories, each complete only once its
 * index is in place, and a {@code latest} file naming the newest. A checkpoint is assembled in a
 * hidden temp directory and renamed into place, so an interrupted write never damages the last
 * complete checkpoint.
 */
public final class CheckpointStore {
    public static final String LATEST = "latest";

    private final Path root;
    private final int keepLast;

    /**
     * @param keepLast how many complete checkpoints to keep (older ones are deleted after a
     *                 commit); 0 keeps all
     */
    public CheckpointStore(Path root, int keepLast) {
        this.root = root;
        this.keepLast = keepLast;
    }

    public Path root() {
        return root;
    }

    public static String dirName(long nextStep) {
        return String.format("step-%08d", nextStep);
    }

    /** A fresh temp directory for the checkpoint that resumes at {@code nextStep}. */
    public Path begin(long nextStep) throws IOException {
        Files.createDirectories(root);
        return Files.createTempDirectory(root, "." + dirName(nextStep) + ".tmp-");
    }

    /** Writes the index into {@code tmp}, moves it into place and points {@code latest} at it. */
    public Path commit(Path tmp, CheckpointIndex index) throws IOException {
        writeAtomically(tmp.resolve(CheckpointIndex.FILE), index.toJson());
        Path target = root.resolve(dirName(index.nextStep()));
        if (Files.exists(target)) {
            // a checkpoint of the same step from an earlier attempt: replace it only now that the new one is whole
            Path old = Files.createTempDirectory(root, "." + dirName(index.nextStep()) + ".old-");
            Files.move(target, old.resolve("c"), StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } else {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
        writeAtomically(root.resolve(LATEST), target.getFileName() + "\n");
        prune(target);
        return target;
    }

    /** Removes a temp directory of an abandoned checkpoint. */
    public void discard(Path tmp) {
        try {
            deleteTree(tmp);
        } catch (IOException ignored) {
            // a leftover hidden temp directory harms nothing; the next run ignores it
        }
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Path> latest() {
        Path f = root.resolve(LATEST);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            Path dir = root.resolve(Files.readString(f, StandardCharsets.UTF_8).trim());
            return Files.exists(dir.resolve(CheckpointIndex.FILE)) ? Optional.of(dir) : Optional.empty();
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** Complete checkpoint directories, oldest first. */
    public List<Path> complete() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, "step-*")) {
            for (Path p : ds) {
                if (Files.exists(p.resolve(CheckpointIndex.FILE))) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    private void prune(Path keep) throws IOException {
        if (keepLast <= 0) {
            return;
        }
        List<Path> all = complete();
        for (int i = 0; i < all.size() - keepLast; i++) {
            if (!all.get(i).equals(keep)) {
                deleteTree(all.get(i));
            }
        }
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
