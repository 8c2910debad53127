package dev.baton.runtime.data.prepare;

import dev.baton.runtime.data.DataException;
import dev.baton.runtime.data.json.Json;
import dev.baton.runtime.data.json.JsonException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** JSON lines: one object per line, its string field {@code text} being the document; blank lines are skipped. */
public final class JsonLinesDocuments implements DocumentSource {
    public static final String FIELD = "text";

    private final Path file;
    private final CountingInputStream counted;
    private final BufferedReader reader;
    private final long totalBytes;
    private long lineNumber;

    private JsonLinesDocuments(Path file, CountingInputStream counted, BufferedReader reader, long totalBytes) {
        this.file = file;
        this.counted = counted;
        this.reader = reader;
        this.totalBytes = totalBytes;
    }

    /** Whether {@code file}'s name says JSON lines: {@code .jsonl} or {@code .json}, optionally {@code .gz}. */
    public static boolean accepts(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        return name.endsWith(".jsonl") || name.endsWith(".json");
    }

    public static JsonLinesDocuments open(Path file) {
        try {
            CountingInputStream counted = new CountingInputStream(Files.newInputStream(file));
            InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(counted, 1 << 16)
                    : counted;
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
            return new JsonLinesDocuments(file, counted, reader, Files.size(file));
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String next() throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String text = text(line);
            if (!text.isEmpty()) {
                return text;
            }
        }
        return null;
    }

    private String text(String line) {
        Object value;
        try {
            value = Json.parse(line);
        } catch (JsonException e) {
            throw new DataException(file + ":" + lineNumber + ": not valid JSON: " + e.getMessage());
        }
        if (!(value instanceof Map<?, ?> object)) {
            throw new DataException(file + ":" + lineNumber + ": expected a JSON object with a \"" + FIELD
                    + "\" field");
        }
        Object text = object.get(FIELD);
        if (!(text instanceof String s)) {
            throw new DataException(file + ":" + lineNumber + ": " + (text == null ? "no" : "a non-string")
                    + " \"" + FIELD + "\" field");
        }
        return s;
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
        return DocSeparator.LINE;
    }

    @Override
    public String description() {
        return file.toString();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
