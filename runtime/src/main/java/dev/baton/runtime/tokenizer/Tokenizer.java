package dev.baton.runtime.tokenizer;

import java.util.List;

/**
 * Turns text into token ids and back, chosen by name ({@link #named}). Every document in a shard is
 * prefixed by {@link #bosId()}, which is how the loaders find document boundaries.
 */
public sealed interface Tokenizer permits Gpt2Tokenizer, Byte260Tokenizer, SentencePieceTokenizer {
    /** The names {@link #named} accepts. */
    List<String> NAMES = List.of(Gpt2Tokenizer.NAME, Byte260Tokenizer.NAME, SentencePieceTokenizer.PREFIX + "FILE.model");

    /** The tokenizer called {@code name}: {@code gpt2}, {@code byte260} or {@code sp:FILE.model} (SentencePiece BPE). */
    static Tokenizer named(String name) {
        if (name == null || name.isBlank()) {
            throw new UnknownTokenizerException("no tokenizer named; valid names: " + String.join(", ", NAMES));
        }
        if (name.startsWith(SentencePieceTokenizer.PREFIX)) {
            return SentencePieceTokenizer.open(name);
        }
        return switch (name) {
            case Gpt2Tokenizer.NAME -> new Gpt2Tokenizer();
            case Byte260Tokenizer.NAME -> new Byte260Tokenizer();
            default -> throw new UnknownTokenizerException("unknown tokenizer '" + name + "'; valid names: "
                    + String.join(", ", NAMES));
        };
    }

    /** The name {@link #named} knows it by. */
    String name();

    /** Number of distinct token ids (before any padding the model adds). */
    int vocabSize();

    /** The token that starts every document. */
    int bosId();

    /** The ids of {@code text}, without BOS. */
    int[] encode(String text);

    /** {@code [BOS] + encode(text)}: one document as it is stored in a shard. */
    default int[] encodeDocument(String text) {
        int[] body = encode(text);
        int[] doc = new int[body.length + 1];
        doc[0] = bosId();
        System.arraycopy(body, 0, doc, 1, body.length);
        return doc;
    }

    /**
     * The text of {@code ids}. Special tokens (BOS and the like) are dropped; ids outside the
     * vocabulary (a model's padding columns) and invalid UTF-8 become U+FFFD.
     */
    String decode(int[] ids);
}
