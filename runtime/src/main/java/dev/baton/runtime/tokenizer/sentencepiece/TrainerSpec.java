package dev.baton.runtime.tokenizer.sentencepiece;

/**
 * The {@code TrainerSpec} fields that matter when encoding and decoding, with protobuf's defaults
 * for absent fields ({@code model_type} UNIGRAM=1, BPE=2, WORD=3, CHAR=4).
 */
public record TrainerSpec(int modelType, int vocabSize, boolean byteFallback, boolean treatWhitespaceAsSuffix,
                          int unkId, int bosId, int eosId, int padId, String unkSurface) {
    public static final int UNIGRAM = 1;
    public static final int BPE = 2;

    static TrainerSpec parse(ProtoReader in) {
        int modelType = UNIGRAM;
        int vocabSize = 8000;
        boolean byteFallback = false;
        boolean suffix = false;
        int unk = 0;
        int bos = 1;
        int eos = 2;
        int pad = -1;
        String unkSurface = " \u2047 ";
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case 3 -> modelType = in.readInt32();
                case 4 -> vocabSize = in.readInt32();
                case 24 -> suffix = in.readBool();
                case 35 -> byteFallback = in.readBool();
                case 40 -> unk = in.readInt32();
                case 41 -> bos = in.readInt32();
                case 42 -> eos = in.readInt32();
                case 43 -> pad = in.readInt32();
                case 44 -> unkSurface = in.readString();
                default -> in.skip(tag);
            }
        }
        return new TrainerSpec(modelType, vocabSize, byteFallback, suffix, unk, bos, eos, pad, unkSurface);
    }

    static TrainerSpec defaults() {
        return parse(new ProtoReader(new byte[0]));
    }
}
