package dev.baton.runtime.data;

import dev.baton.runtime.data.json.Json;
import dev.baton.runtime.data.json.JsonException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code baton prepare} records beside the shards ({@code meta.json}): above all the tokenizer,
 * so that training and sampling decode with the one that encoded, plus counts and the source.
 */
public record ShardMeta(String name, String tokenizer, int vocabSize, int bosId, String source,
                        String docSeparator, double valShare, int shardTokens,
                        long trainDocuments, long valDocuments, long trainTokens, long valTokens, long textBytes,
                        List<String> trainShards, List<String> valShards) {
    public static final String FILE_NAME = "meta.json";

    public ShardMeta {
        trainShards = List.copyOf(trainShards);
        valShards = List.copyOf(valShards);
    }

    public long documents() {
        return trainDocuments + valDocuments;
    }

    public long tokens() {
        return trainTokens + valTokens;
    }

    /** Writes {@code dir/meta.json} atomically. */
    public Path write(Path dir) {
        Path target = dir.resolve(FILE_NAME);
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + FILE_NAME + ".", ".tmp");
            Files.writeString(temp, toJson(), StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            try {
                if (temp != null) {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException ignored) {
                // nothing more to clean
            }
            throw new DataException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code dir/meta.json}. */
    public static ShardMeta read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DataException(file + " is missing: " + dir + " is not a prepared data folder (run `baton prepare`)");
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            if (!(Json.parse(text) instanceof Map<?, ?> m)) {
                throw new DataException(file + ": expected a JSON object");
            }
            return new ShardMeta(string(m, "name"), string(m, "tokenizer"), (int) number(m, "vocab_size"),
                    (int) number(m, "bos_id"), string(m, "source"), string(m, "doc_separator"),
                    ((Number) field(m, "val_share", Number.class)).doubleValue(), (int) number(m, "shard_tokens"),
                    number(m, "train_documents"), number(m, "val_documents"), number(m, "train_tokens"),
                    number(m, "val_tokens"), number(m, "text_bytes"), strings(m, "train_shards"),
                    strings(m, "val_shards"));
        } catch (JsonException e) {
            throw new DataException(file + ": not valid JSON: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": " + e.getMessage());
        }
    }

    /** The JSON text, one key per line. */
    public String toJson() {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"name\": ").append(Json.quote(name)).append(",\n");
        b.append("  \"tokenizer\": ").append(Json.quote(tokenizer)).append(",\n");
        b.append("  \"vocab_size\": ").append(vocabSize).append(",\n");
        b.append("  \"bos_id\": ").append(bosId).append(",\n");
        b.append("  \"source\": ").append(Json.quote(source)).append(",\n");
        b.append("  \"doc_separator\": ").append(Json.quote(docSeparator)).append(",\n");
        b.append("  \"val_share\": ").append(String.format(Locale.ROOT, "%s", valShare)).append(",\n");
        b.append("  \"shard_tokens\": ").append(shardTokens).append(",\n");
        b.append("  \"train_documents\": ").append(trainDocuments).append(",\n");
        b.append("  \"val_documents\": ").append(valDocuments).append(",\n");
        b.append("  \"train_tokens\": ").append(trainTokens).append(",\n");
        b.append("  \"val_tokens\": ").append(valTokens).append(",\n");
        b.append("  \"text_bytes\": ").append(textBytes).append(",\n");
        b.append("  \"train_shards\": ").append(list(trainShards)).append(",\n");
        b.append("  \"val_shards\": ").append(list(valShards)).append("\n}\n");
        return b.toString();
    }

    private static String list(List<String> items) {
        List<String> quoted = new ArrayList<>();
        for (String s : items) {
            quoted.add(Json.quote(s));
        }
        return "[" + String.join(", ", quoted) + "]";
    }

    private static Object field(Map<?, ?> m, String key, Class<?> type) {
        Object v = m.get(key);
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException(v == null ? "missing key \"" + key + "\""
                    : "key \"" + key + "\" is not a " + type.getSimpleName().toLowerCase(Locale.ROOT));
        }
        return v;
    }

    private static String string(Map<?, ?> m, String key) {
        return (String) field(m, key, String.class);
    }

    private static long number(Map<?, ?> m, String key) {
        return ((Number) field(m, key, Number.class)).longValue();
    }

    private static List<String> strings(Map<?, ?> m, String key) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) field(m, key, List.class)) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException("key \"" + key + "\" holds a non-string");
            }
            out.add(s);
        }
        return out;
    }
}
