package dev.baton.runtime.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The GPT-2 byte-pair encoding (tiktoken's {@code r50k_base}, through jtokkit), as the FineWeb
 * shards of modded-nanogpt use it: text is encoded as ordinary text (a literal
 * {@code <|endoftext|>} in a document is not special) and each document starts with the
 * end-of-text token 50256 acting as BOS.
 */
public final class Gpt2Tokenizer implements Tokenizer {
    public static final String NAME = "gpt2";
    public static final int END_OF_TEXT = 50256;
    public static final int VOCAB_SIZE = 50257;
    private static final byte[] REPLACEMENT = "\uFFFD".getBytes(StandardCharsets.UTF_8);

    private final Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public int bosId() {
        return END_OF_TEXT;
    }

    @Override
    public int[] encode(String text) {
        return encoding.encodeOrdinary(text).toArray();
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        IntArrayList run = new IntArrayList();
        for (int id : ids) {
            if (id >= 0 && id < END_OF_TEXT) {
                run.add(id);
                continue;
            }
            // flush before the break so that multi-byte characters split over tokens still join up
            out.writeBytes(encoding.decodeBytes(run));
            run.clear();
            if (id != END_OF_TEXT) {
                out.writeBytes(REPLACEMENT);
            }
        }
        out.writeBytes(encoding.decodeBytes(run));
        return out.toString(StandardCharsets.UTF_8);
    }
}
