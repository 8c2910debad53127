package dev.baton.runtime.tokenizer;

import dev.baton.runtime.tokenizer.sentencepiece.ModelFormatException;
import dev.baton.runtime.tokenizer.sentencepiece.SentencePieceModel;

import java.nio.file.Path;

/**
 * A SentencePiece BPE model file as a tokenizer ({@code sp:FILE.model}), as parameter golf's
 * {@code fineweb_1024_bpe.model} is used: documents are {@code [BOS] + sp.encode(text)}, no EOS.
 * The name keeps the model's absolute path, so that {@code meta.json} can reopen the same file.
 */
public final class SentencePieceTokenizer implements Tokenizer {
    public static final String PREFIX = "sp:";

    private final String name;
    private final SentencePieceModel model;

    private SentencePieceTokenizer(String name, SentencePieceModel model) {
        this.name = name;
        this.model = model;
    }

    /** Loads {@code sp:FILE}; a missing, malformed or unusable file ends in one clear message. */
    static SentencePieceTokenizer open(String name) {
        String file = name.substring(PREFIX.length());
        if (file.isBlank()) {
            throw new UnknownTokenizerException("tokenizer '" + name + "': give the model file after sp:, "
                    + "e.g. sp:data/tokenizers/fineweb_1024_bpe.model");
        }
        Path path = Path.of(file).toAbsolutePath().normalize();
        SentencePieceModel model;
        try {
            model = SentencePieceModel.load(path);
        } catch (ModelFormatException e) {
            throw new UnknownTokenizerException("tokenizer '" + name + "': " + e.getMessage()
                    + "; give the path of a SentencePiece BPE .model file");
        }
        if (model.bosId() < 0 || model.bosId() >= model.pieceCount()) {
            throw new UnknownTokenizerException("tokenizer '" + name + "': the model has no BOS piece (bos_id="
                    + model.bosId() + "), and every shard document starts with BOS; train it with bos_id >= 0");
        }
        return new SentencePieceTokenizer(PREFIX + path, model);
    }

    /** The loaded model, for its piece table (byte accounting) and normaliser. */
    public SentencePieceModel model() {
        return model;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int vocabSize() {
        return model.pieceCount();
    }

    @Override
    public int bosId() {
        return model.bosId();
    }

    @Override
    public int[] encode(String text) {
        return model.encode(text);
    }

    /** As {@code sp.decode(ids)}; ids outside the vocabulary (a model's padding columns) become U+FFFD. */
    @Override
    public String decode(int[] ids) {
        return model.decode(ids);
    }
}
