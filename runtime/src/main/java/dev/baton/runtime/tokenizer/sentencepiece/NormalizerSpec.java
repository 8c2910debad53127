package dev.baton.runtime.tokenizer.sentencepiece;

/**
 * A {@code NormalizerSpec}: the rule's name, its compiled character map (empty for {@code identity})
 * and the whitespace switches, with protobuf's defaults (all three true) for absent fields.
 */
public record NormalizerSpec(String name, byte[] precompiledCharsmap, boolean addDummyPrefix,
                             boolean removeExtraWhitespaces, boolean escapeWhitespaces) {
    static NormalizerSpec parse(ProtoReader in) {
        String name = "";
        byte[] charsmap = new byte[0];
        boolean dummyPrefix = true;
        boolean removeExtra = true;
        boolean escape = true;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case 1 -> name = in.readString();
                case 2 -> charsmap = in.readBytes();
                case 3 -> dummyPrefix = in.readBool();
                case 4 -> removeExtra = in.readBool();
                case 5 -> escape = in.readBool();
                default -> in.skip(tag);
            }
        }
        return new NormalizerSpec(name, charsmap, dummyPrefix, removeExtra, escape);
    }

    static NormalizerSpec defaults() {
        return parse(new ProtoReader(new byte[0]));
    }
}
