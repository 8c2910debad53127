package dev.baton.kernels.bench;

import dev.baton.runtime.tensor.DType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Writes a sweep in the collectives sweep format that {@code baton replay --sweep} reads
 * ({@code dev.baton.actors.replay.CollectiveSweep}, docs/replay.md): the line
 * {@code baton-collectives 1}, then {@code KIND WORLD SIZE_BYTES MICROS} per measured size, where
 * SIZE_BYTES is the whole buffer. The format has no element type: each type's block follows a
 * comment naming it, and replay fits all of them together. Written to a temporary file and renamed,
 * so an existing sweep is never left half written.
 */
public final class SweepFile {
    public static final String MAGIC = "baton-collectives 1";

    private SweepFile() {
    }

    /** The file's text: the magic line, {@code comments} as comment lines, then the points by element type. */
    public static String render(List<String> comments, List<SweepPoint> points) {
        StringBuilder b = new StringBuilder(MAGIC).append('\n');
        for (String c : comments) {
            for (String line : c.split("\n")) {
                b.append("# ").append(line).append('\n');
            }
        }
        b.append("# kind world size_bytes micros\n");
        DType block = null;
        for (SweepPoint p : points) {
            if (p.type() != block) {
                block = p.type();
                b.append("# ").append(SweepPoint.typeName(block)).append('\n');
            }
            b.append(line(p)).append('\n');
        }
        return b.toString();
    }

    /** {@code all_reduce 8 16777216 612.300}: kind, world, whole-buffer bytes, µs per launch. */
    public static String line(SweepPoint p) {
        return String.format(Locale.ROOT, "%s %d %d %.3f", p.kind().wireName(), p.world(), p.bytes(), p.micros());
    }

    public static void write(Path file, List<String> comments, List<SweepPoint> points) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, render(comments, points), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
