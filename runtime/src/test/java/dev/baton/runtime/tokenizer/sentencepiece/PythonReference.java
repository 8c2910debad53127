package dev.baton.runtime.tokenizer.sentencepiece;

import dev.baton.runtime.data.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The parity data that {@code reference/golf/make_sp_testdata.py} made with Python sentencepiece
 * 0.2.2 on the GPU machine (test resources under {@code sentencepiece/}): two models trained on the
 * demo corpus and, per model, ids / pieces / decode / normalize for a few-KB text and edge cases.
 */
public final class PythonReference {
    /** The parameter-golf recipe (fineweb_1024_bpe's trainer settings), gzip-compressed in resources. */
    public static final String GOLF_MODEL = "sp1024_kjv.model";
    /** identity normalisation, dummy prefix, extra whitespace kept, vocab 384. */
    public static final String IDENTITY_MODEL = "sp384_identity.model";

    private PythonReference() {
    }

    /** Writes the named model into {@code dir} (uncompressed) and returns its path. */
    public static Path modelFile(String name, Path dir) {
        Path target = dir.resolve(name);
        try (InputStream in = open(name)) {
            Files.write(target, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    public static byte[] modelBytes(String name) {
        try (InputStream in = open(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code models} list of sp_cases.json: one map per model with luts and cases. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> models() {
        try (InputStream in = open("sp_cases.json")) {
            Map<String, Object> root = (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return (List<Map<String, Object>>) root.get("models");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> model(String name) {
        return models().stream().filter(m -> name.equals(m.get("model"))).findFirst().orElseThrow();
    }

    /** The cases of one model: maps with text, ids, pieces, decoded, counted_bytes and normalized. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> cases(String name) {
        return (List<Map<String, Object>>) model(name).get("cases");
    }

    /** The few-KB test text (the first case). */
    public static String longText() {
        return (String) cases(GOLF_MODEL).get(0).get("text");
    }

    public static int[] ints(Object jsonList) {
        return ((List<?>) jsonList).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    private static InputStream open(String name) throws IOException {
        InputStream plain = PythonReference.class.getResourceAsStream("/sentencepiece/" + name);
        if (plain != null) {
            return plain;
        }
        InputStream gz = PythonReference.class.getResourceAsStream("/sentencepiece/" + name + ".gz");
        if (gz == null) {
            throw new IOException("test resource sentencepiece/" + name + " is missing");
        }
        return new GZIPInputStream(gz);
    }
}
