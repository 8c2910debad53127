package dev.baton.runtime.tokenizer.sentencepiece;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A SentencePiece BPE model loaded from its {@code .model} file, encoding and decoding exactly as
 * Python {@code sentencepiece} does ({@code sp.encode(text)} / {@code sp.decode(ids)}): normalise,
 * segment by BPE merges, then map every unknown piece to its UTF-8 bytes' {@code <0xNN>} pieces when
 * the model was trained with {@code byte_fallback} (otherwise a run of unknown pieces becomes one
 * unknown id). Immutable and safe to share between threads.
 */
public final class SentencePieceModel {
    private final ModelProto proto;
    private final PieceTable table;
    private final Normalizer normalizer;
    private final BpeSegmenter segmenter;
    private final PieceDecoder decoder;
    private final int[] byteIds;

    private SentencePieceModel(ModelProto proto) {
        this.proto = proto;
        TrainerSpec trainer = proto.trainer();
        if (trainer.modelType() != TrainerSpec.BPE) {
            throw new ModelFormatException("model type " + modelTypeName(trainer.modelType())
                    + " is not supported; only BPE models (model_type=bpe) are");
        }
        this.table = new PieceTable(proto.pieces());
        this.byteIds = byteIds(proto.pieces(), trainer.byteFallback());
        List<String> userSymbols = proto.pieces().stream().filter(p -> p.type() == PieceType.USER_DEFINED)
                .map(Piece::text).toList();
        PrefixMatcher matcher = new PrefixMatcher(userSymbols);
        this.normalizer = new Normalizer(proto.normalizer(), trainer.treatWhitespaceAsSuffix(),
                userSymbols.isEmpty() ? null : matcher);
        this.segmenter = new BpeSegmenter(proto.pieces(), table, matcher);
        Normalizer denormalizer = proto.denormalizer() == null ? null : new Normalizer(proto.denormalizer(), false, null);
        this.decoder = new PieceDecoder(proto.pieces(), table, trainer, proto.normalizer(), denormalizer);
    }

    /** Reads and checks a {@code .model} file; a missing or malformed file ends in {@link ModelFormatException}. */
    public static SentencePieceModel load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + " does not exist");
        } catch (IOException e) {
            throw new ModelFormatException("cannot read " + file + ": " + e.getMessage());
        }
        try {
            return parse(bytes);
        } catch (ModelFormatException e) {
            throw new ModelFormatException(file + ": " + e.getMessage());
        }
    }

    /** The model in {@code bytes} (the contents of a {@code .model} file). */
    public static SentencePieceModel parse(byte[] bytes) {
        return new SentencePieceModel(ModelProto.parse(bytes));
    }

    public ModelProto proto() {
        return proto;
    }

    /** Number of pieces, i.e. {@code sp.vocab_size()}. */
    public int pieceCount() {
        return proto.pieces().size();
    }

    public Piece piece(int id) {
        return proto.pieces().get(id);
    }

    public boolean isControl(int id) {
        return piece(id).type() == PieceType.CONTROL;
    }

    public boolean isUnknown(int id) {
        return piece(id).type() == PieceType.UNKNOWN;
    }

    public boolean isUnused(int id) {
        return piece(id).type() == PieceType.UNUSED;
    }

    public boolean isByte(int id) {
        return piece(id).type() == PieceType.BYTE;
    }

    /** The BOS id from the trainer settings ({@code -1} when the model has none). */
    public int bosId() {
        return proto.trainer().bosId();
    }

    public int unkId() {
        return table.unkId();
    }

    /** The normalised text as the segmenter sees it (spaces as U+2581 when escaped). */
    public String normalize(String text) {
        return new String(normalizer.normalize(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /** The ids of {@code text}, without BOS or EOS. */
    public int[] encode(String text) {
        byte[] normalized = normalizer.normalize(text.getBytes(StandardCharsets.UTF_8));
        Segments segments = segmenter.segment(normalized);
        int[] ids = new int[segments.count() + 16];
        int n = 0;
        boolean prevUnknown = false;
        for (int i = 0; i < segments.count(); i++) {
            int id = segments.id(i);
            boolean unknown = id == table.unkId();
            if (unknown && byteIds != null) {
                for (int b = segments.start(i); b < segments.start(i) + segments.length(i); b++) {
                    ids = ensure(ids, n + 1);
                    ids[n++] = byteIds[normalized[b] & 0xFF];
                }
            } else if (!(unknown && prevUnknown)) {
                ids = ensure(ids, n + 1);
                ids[n++] = id; // a run of unknown pieces is one unknown id
            }
            prevUnknown = unknown;
        }
        return Arrays.copyOf(ids, n);
    }

    /**
     * The text of {@code ids}. An id outside {@code [0, pieceCount())} (a model's padding column)
     * becomes U+FFFD, where Python would raise.
     */
    public String decode(int[] ids) {
        return new String(decoder.decode(ids), StandardCharsets.UTF_8);
    }

    private static int[] ensure(int[] a, int size) {
        return size <= a.length ? a : Arrays.copyOf(a, Math.max(size, a.length * 2));
    }

    /** Byte value to {@code <0xNN>} piece id when byte fallback is on, checking all 256 exist; else null. */
    private static int[] byteIds(List<Piece> pieces, boolean byteFallback) {
        int[] ids = new int[256];
        Arrays.fill(ids, -1);
        for (int id = 0; id < pieces.size(); id++) {
            Piece p = pieces.get(id);
            if (p.type() != PieceType.BYTE) {
                continue;
            }
            if (!byteFallback) {
                throw new ModelFormatException("byte piece " + p.text() + " found although byte_fallback is off");
            }
            int b = PieceDecoder.byteValue(p.text());
            if (b < 0) {
                throw new ModelFormatException("byte piece " + p.text() + " is not of the form <0xNN>");
            }
            ids[b] = id;
        }
        if (!byteFallback) {
            return null;
        }
        for (int b = 0; b < 256; b++) {
            if (ids[b] < 0) {
                throw new ModelFormatException(String.format("byte_fallback is on but byte piece <0x%02X> is missing", b));
            }
        }
        return ids;
    }

    private static String modelTypeName(int type) {
        return switch (type) {
            case 1 -> "UNIGRAM";
            case 3 -> "WORD";
            case 4 -> "CHAR";
            default -> String.valueOf(type);
        };
    }
}
