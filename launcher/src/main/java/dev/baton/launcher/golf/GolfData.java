package dev.baton.launcher.golf;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.Settings;
import dev.baton.launcher.train.TrainingData;
import dev.baton.runtime.golf.bpb.ByteTables;
import dev.baton.runtime.golf.eval.ValidationTokens;
import dev.baton.runtime.tokenizer.Byte260Tokenizer;
import dev.baton.runtime.tokenizer.SentencePieceTokenizer;
import dev.baton.runtime.tokenizer.Tokenizer;

/**
 * A golf run's data: the shards of {@code baton.data} and the byte tables that turn its tokens
 * into text bytes for bits per byte (SentencePiece or byte260 tokenizers; GPT-2's byte-level BPE
 * has no such table here).
 */
public record GolfData(TrainingData shards, ByteTables bytes) {

    /** Resolves the data and checks that every token id fits the model's vocabulary. */
    public static GolfData resolve(Settings s, GolfSettings golf) {
        TrainingData data = TrainingData.resolve(s);
        Tokenizer tok = data.tokenizer();
        int vocab = golf.model().vocabSize();
        if (tok.vocabSize() > vocab) {
            throw new BatonConfigException("the tokenizer " + tok.name() + " has " + tok.vocabSize() + " ids but "
                    + "baton.model.vocab-size is " + vocab + "; set --set baton.model.vocab-size=" + tok.vocabSize());
        }
        ByteTables bytes;
        if (tok instanceof SentencePieceTokenizer sp) {
            bytes = ByteTables.of(sp.model(), vocab);
        } else if (tok instanceof Byte260Tokenizer) {
            bytes = ByteTables.byte260();
        } else {
            throw new BatonConfigException("bits per byte needs a SentencePiece (sp:FILE.model) or byte260 tokenizer; "
                    + "baton.data.tokenizer is " + tok.name());
        }
        return new GolfData(data, bytes);
    }

    /** The validation stream the settings evaluate (the whole split, or its configured prefix). */
    public int[] validation(GolfSettings golf) {
        return ValidationTokens.load(shards.val(), golf.evalMaxTokens());
    }
}
