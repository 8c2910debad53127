package dev.baton.runtime.data.prepare;

import dev.baton.runtime.data.DataException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The documents of one UTF-8 text stream (gzip when the name ends in {@code .gz}), split by a {@link DocSeparator}. */
public final class TextDocuments implements DocumentSource {
    private final String description;
    private final CountingInputStream counted;
    private final BufferedReader reader;
    private final long totalBytes;
    private final DocSeparator separator;
    private boolean wholeFileRead;

    private TextDocuments(String description, InputStream raw, long totalBytes, boolean gzip,
                          DocSeparator separator) throws IOException {
        this.description = description;
        this.counted = new CountingInputStream(raw);
        InputStream decoded = gzip ? new GZIPInputStream(counted, 1 << 16) : counted;
        // malformed UTF-8 is replaced rather than fatal: one bad byte should not stop a corpus
        this.reader = new BufferedReader(new InputStreamReader(decoded, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)),
                1 << 16);
        this.totalBytes = totalBytes;
        this.separator = separator;
    }

    /** The documents of a text file. */
    public static TextDocuments open(Path file, DocSeparator separator) {
        try {
            return new TextDocuments(file.toString(), Files.newInputStream(file), Files.size(file),
                    file.getFileName().toString().endsWith(".gz"), separator);
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The documents of a stream (e.g. a classpath resource) of {@code totalBytes} raw bytes ({@code -1} if unknown). */
    public static TextDocuments of(String description, InputStream raw, long totalBytes, boolean gzip,
                                   DocSeparator separator) throws IOException {
        return new TextDocuments(description, raw, totalBytes, gzip, separator);
    }

    @Override
    public String next() throws IOException {
        return switch (separator) {
            case LINE -> nextLine();
            case BLANK_LINE -> nextParagraph();
            case FILE -> wholeFile();
        };
    }

    private String nextLine() throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            if (!line.isBlank()) {
                return line;
            }
        }
        return null;
    }

    private String nextParagraph() throws IOException {
        StringBuilder paragraph = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isBlank()) {
                if (paragraph != null) {
                    return paragraph.toString();
                }
            } else if (paragraph == null) {
                paragraph = new StringBuilder(line);
            } else {
                paragraph.append('\n').append(line);
            }
        }
        return paragraph == null ? null : paragraph.toString();
    }

    private String wholeFile() throws IOException {
        if (wholeFileRead) {
            return null;
        }
        wholeFileRead = true;
        StringBuilder text = new StringBuilder();
        char[] chunk = new char[1 << 16];
        int n;
        while ((n = reader.read(chunk)) >= 0) {
            text.append(chunk, 0, n);
        }
        return text.isEmpty() ? null : text.toString();
    }

    @Override
    public long bytesRead() {
        return counted.count();
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
        return description;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
