package dev.baton.runtime.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Parameter golf's pure-byte vocabulary: pad 0, bos 1, eos 2, unk 3, and UTF-8 byte b as 4 + b.
 * Any text round-trips exactly; a 260-way softmax keeps small CPU models cheap.
 */
public final class Byte260Tokenizer implements Tokenizer {
    public static final String NAME = "byte260";
    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int UNK = 3;
    public static final int OFFSET = 4;
    public static final int VOCAB_SIZE = OFFSET + 256;
    private static final byte[] REPLACEMENT = "\uFFFD".getBytes(StandardCharsets.UTF_8);

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
        return BOS;
    }

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = OFFSET + (bytes[i] & 0xFF);
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length);
        for (int id : ids) {
            if (id >= OFFSET && id < VOCAB_SIZE) {
                out.write(id - OFFSET);
            } else if (id == UNK || id < 0 || id >= VOCAB_SIZE) {
                out.writeBytes(REPLACEMENT);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
