package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A collectives sweep file ({@code baton bench --collectives}, e.g. NCCL on GPUs): the first line
 * is {@code baton-collectives 1}, then one line per measurement {@code KIND WORLD SIZE_BYTES
 * MICROS}: the kind's wire name (reduce_scatter, all_gather, all_reduce), the world size, the size
 * of the whole buffer in bytes, and the mean time of one launch. Sizes become per-rank ring bytes
 * as the schedule file counts them, so that sweep points and recorded launches share one fit.
 */
public final class CollectiveSweep {
    public static final String MAGIC = "baton-collectives 1";

    private CollectiveSweep() {
    }

    public static List<CollectivePoint> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).strip().equals(MAGIC)) {
            throw new IllegalArgumentException(file + " is not a collectives sweep (first line must be '" + MAGIC + "')");
        }
        List<CollectivePoint> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            try {
                if (f.length != 4) {
                    throw new IllegalArgumentException("expected KIND WORLD SIZE_BYTES MICROS, found " + f.length + " fields");
                }
                CommandKind kind = CommandKind.fromWireName(f[0]);
                int world = Integer.parseInt(f[1]);
                long size = Long.parseLong(f[2]);
                double micros = Double.parseDouble(f[3]);
                if (world < 1 || size < 0 || micros < 0) {
                    throw new IllegalArgumentException("world, size and time must be positive");
                }
                out.add(new CollectivePoint(kind, world, ringBytes(kind, size, world), micros, 1, file.getFileName().toString()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Bytes one rank moves for a buffer of {@code size} bytes (the runtime's ring formula). */
    public static long ringBytes(CommandKind kind, long size, int world) {
        if (world <= 1) {
            return 0;
        }
        return switch (kind) {
            case REDUCE_SCATTER, ALL_GATHER -> size * (world - 1) / world;
            case ALL_REDUCE -> 2 * size * (world - 1) / world;
            case BROADCAST -> size;
            default -> throw new IllegalArgumentException("a sweep measures reduce_scatter, all_gather, all_reduce or "
                    + "broadcast, not " + kind.wireName());
        };
    }
}
