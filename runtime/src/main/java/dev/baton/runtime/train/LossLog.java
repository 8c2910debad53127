package dev.baton.runtime.train;

import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.data.json.Json;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run's JSON-lines loss log, one {@link StepRecord} per line, flushed as written. A fresh run
 * starts it empty; a resumed run first drops the lines after its checkpoint's step (a crashed run
 * may have logged steps the resume repeats), so the file always reads as one uninterrupted run.
 */
public final class LossLog implements AutoCloseable {
    private final Path file;
    private final BufferedWriter out;

    private LossLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** A new, empty log (an existing file is replaced). */
    public static LossLog fresh(Path file) {
        return open(file, List.of());
    }

    /** The existing log up to and including step {@code keepThrough}, continued. */
    public static LossLog resumed(Path file, int keepThrough) {
        List<String> kept = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && step(line) <= keepThrough) {
                        kept.add(line);
                    }
                }
            } catch (IOException e) {
                throw new CheckpointException("cannot read the loss log " + file + ": " + e.getMessage(), e);
            }
        }
        return open(file, kept);
    }

    private static LossLog open(Path file, List<String> lines) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new LossLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new CheckpointException("cannot write the loss log " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    public void write(StepRecord r) {
        try {
            out.write(r.toJson());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new CheckpointException("cannot write the loss log " + file + ": " + e.getMessage(), e);
        }
    }

    private static int step(String line) {
        Object o = Json.parse(line);
        if (o instanceof Map<?, ?> m && m.get("step") instanceof Number n) {
            return n.intValue();
        }
        throw new CheckpointException("the loss log has a line without a step: " + line);
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new CheckpointException("cannot close the loss log " + file + ": " + e.getMessage(), e);
        }
    }
}
