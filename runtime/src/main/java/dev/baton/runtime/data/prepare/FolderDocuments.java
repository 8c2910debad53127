package dev.baton.runtime.data.prepare;

import dev.baton.runtime.data.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The documents of every {@code .txt} / {@code .txt.gz} file in a folder (not recursive), in file-name order. */
public final class FolderDocuments implements DocumentSource {
    private final Path folder;
    private final List<Path> files;
    private final DocSeparator separator;
    private final long totalBytes;
    private int nextFile;
    private long bytesDone;
    private TextDocuments current;

    private FolderDocuments(Path folder, List<Path> files, DocSeparator separator, long totalBytes) {
        this.folder = folder;
        this.files = files;
        this.separator = separator;
        this.totalBytes = totalBytes;
    }

    public static FolderDocuments open(Path folder, DocSeparator separator) {
        List<Path> files;
        try (Stream<Path> entries = Files.list(folder)) {
            files = entries.filter(p -> Files.isRegularFile(p) && isText(p)).sorted().toList();
        } catch (IOException e) {
            throw new DataException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new DataException("folder " + folder + " has no .txt or .txt.gz files");
        }
        long total = 0;
        for (Path f : files) {
            try {
                total += Files.size(f);
            } catch (IOException e) {
                throw new DataException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        return new FolderDocuments(folder, files, separator, total);
    }

    private static boolean isText(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".txt") || name.endsWith(".txt.gz");
    }

    @Override
    public String next() throws IOException {
        while (true) {
            if (current == null) {
                if (nextFile == files.size()) {
                    return null;
                }
                current = TextDocuments.open(files.get(nextFile++), separator);
            }
            String doc = current.next();
            if (doc != null) {
                return doc;
            }
            bytesDone += current.bytesRead();
            current.close();
            current = null;
        }
    }

    @Override
    public long bytesRead() {
        return bytesDone + (current == null ? 0 : current.bytesRead());
    }

    @Override
    public long totalBytes() {
        return totalBytes;
    }

    @Override
    public DocSeparator separator() {
        return separator;
    }

    @Override
    public String description() {
        return folder + " (" + files.size() + " text files)";
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
        }
    }
}
