package dev.baton.runtime.data.prepare;

import dev.baton.runtime.data.DataException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stream of documents read from some input, one at a time so that corpora larger than memory
 * work. Progress is reported in raw input bytes against {@link #totalBytes()}.
 */
public interface DocumentSource extends Closeable {
    /** The next non-empty document, or {@code null} at the end. */
    String next() throws IOException;

    /** Raw input bytes consumed so far. */
    long bytesRead();

    /** Raw input bytes in all, or {@code -1} when unknown. */
    long totalBytes();

    /** How the input splits into documents (JSON lines: {@link DocSeparator#LINE}). */
    DocSeparator separator();

    /** What the documents come from, for meta.json and messages. */
    String description();

    /**
     * Opens {@code input}: a folder (every {@code .txt} / {@code .txt.gz} file in name order, one
     * document per file unless {@code separator} says otherwise), JSON lines ({@code .jsonl},
     * {@code .json}, optionally {@code .gz}; one document per line, from its {@code text} field) or
     * any other file as plain text (paragraphs unless {@code separator} says otherwise). A
     * {@code .gz} suffix means gzip.
     *
     * @param separator how plain text splits into documents, or {@code null} for the default
     */
    static DocumentSource open(Path input, DocSeparator separator) {
        if (!Files.exists(input)) {
            throw new DataException("input " + input + " does not exist");
        }
        if (Files.isDirectory(input)) {
            return FolderDocuments.open(input, separator == null ? DocSeparator.FILE : separator);
        }
        if (JsonLinesDocuments.accepts(input)) {
            if (separator != null && separator != DocSeparator.LINE) {
                throw new DataException("input " + input + " is JSON lines (one document per line); the document "
                        + "separator '" + separator.label() + "' does not apply to it");
            }
            return JsonLinesDocuments.open(input);
        }
        return TextDocuments.open(input, separator == null ? DocSeparator.BLANK_LINE : separator);
    }
}
