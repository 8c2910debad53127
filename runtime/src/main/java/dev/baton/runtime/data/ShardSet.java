package dev.baton.runtime.data;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The ordered shard files of one split (train or val), each header validated up front so that a
 * bad file stops a run before its first step rather than hours into it. Order is by file name, as
 * the record's {@code sorted(glob(...))}.
 */
public final class ShardSet {
    private final List<Path> files;
    private final int[] counts;

    private ShardSet(List<Path> files, int[] counts) {
        this.files = files;
        this.counts = counts;
    }

    /** The given files, sorted by name and validated. */
    public static ShardSet of(List<Path> files) {
        if (files.isEmpty()) {
            throw new DataException("no token shards given");
        }
        List<Path> sorted = new ArrayList<>(files);
        sorted.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        int[] counts = new int[sorted.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = ShardReader.validate(sorted.get(i));
        }
        return new ShardSet(List.copyOf(sorted), counts);
    }

    /** The shards of {@code split} ("train" or "val") in a prepared folder: files named {@code *_<split>_*.bin}. */
    public static ShardSet inDirectory(Path dir, String split) {
        if (!Files.isDirectory(dir)) {
            throw new DataException("data folder " + dir + " does not exist; prepare it with `baton prepare`");
        }
        List<Path> found = list(dir, "*_" + split + "_*.bin");
        if (found.isEmpty()) {
            throw new DataException("no " + split + " shards in " + dir + " (expected files named *_" + split
                    + "_000000.bin; prepare them with `baton prepare`)");
        }
        return of(found);
    }

    /** The shards matching a file-name glob such as {@code data/fineweb10B/fineweb_train_*.bin}. */
    public static ShardSet glob(String pattern) {
        Path path = Path.of(pattern);
        Path dir = path.getParent() == null ? Path.of(".") : path.getParent();
        List<Path> found = Files.isDirectory(dir) ? list(dir, path.getFileName().toString()) : List.of();
        if (found.isEmpty()) {
            throw new DataException("no token shards match " + pattern);
        }
        return of(found);
    }

    private static List<Path> list(Path dir, String glob) {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> matcher.matches(p.getFileName()) && Files.isRegularFile(p)).toList();
        } catch (IOException e) {
            throw new DataException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    public int size() {
        return files.size();
    }

    public Path file(int index) {
        return files.get(index);
    }

    public List<Path> files() {
        return files;
    }

    /** Token count of shard {@code index}, from its validated header. */
    public int tokenCount(int index) {
        return counts[index];
    }

    public long totalTokens() {
        long total = 0;
        for (int c : counts) {
            total += c;
        }
        return total;
    }

    /** Maps shard {@code index}. */
    public ShardReader open(int index) {
        return ShardReader.open(files.get(index));
    }
}
