package dev.baton.runtime.golf.bpb;

import dev.baton.runtime.tokenizer.sentencepiece.PythonReference;
import dev.baton.runtime.tokenizer.sentencepiece.SentencePieceModel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** val_loss and val_bpb from per-token losses, as the challenge's eval_val computes them. */
class BitsPerByteTest {
    @Test
    void handComputedSums() {
        ByteTables t = ByteTables.of(ByteTablesTest.GOLF);
        int[] prev = {ByteTablesTest.BOS, ByteTablesTest.AND, ByteTablesTest.GOD};
        int[] targets = {ByteTablesTest.AND, ByteTablesTest.GOD, ByteTablesTest.DIGIT_ONE};
        BitsPerByte b = BitsPerByte.of(new float[] {1f, 2f, 3f}, prev, targets, t);
        assertEquals(new BitsPerByte(6, 3, 8), b, "3 + 4 + 1 bytes");
        assertEquals(2.0, b.valLoss());
        assertEquals(2.0 / Math.log(2) * 3 / 8, b.bpb(), 1e-15);
    }

    @Test
    void partsAddUpAsAnAllReduce() {
        BitsPerByte a = new BitsPerByte(10.5, 4, 9);
        BitsPerByte b = new BitsPerByte(3.25, 2, 5);
        BitsPerByte sum = BitsPerByte.ZERO.plus(a).plus(b);
        assertEquals(new BitsPerByte(13.75, 6, 14), sum);
        assertEquals(13.75 / 6, sum.valLoss());
        assertEquals(BitsPerByte.ofBatchMean(13.75 / 6, 6, 14).bpb(), sum.bpb(), 1e-15);
    }

    /** A model that is uniform over V tokens loses ln V on every token: bpb = (ln V / ln 2) * tokens / bytes. */
    @Test
    void aUniformModelScoresTheClosedForm() {
        SentencePieceModel sp = ByteTablesTest.GOLF;
        ByteTables t = ByteTables.of(sp);
        String text = PythonReference.longText();
        int[] ids = sp.encode(text);
        int[] seq = new int[ids.length + 1];
        seq[0] = sp.bosId();
        System.arraycopy(ids, 0, seq, 1, ids.length);
        int v = sp.pieceCount();
        float[] losses = new float[ids.length];
        Arrays.fill(losses, (float) Math.log(v));
        BitsPerByte b = BitsPerByte.of(losses, Arrays.copyOf(seq, ids.length), ids, t);
        double bytes = t.bytesOfTargets(seq, 0, ids.length);
        double closedForm = (Math.log(v) / Math.log(2)) * ids.length / bytes;
        assertEquals(10.0 * ids.length / bytes, closedForm, 1e-12, "log2(1024) = 10 bits per token");
        assertEquals(closedForm, b.bpb(), 1e-6, "only the fp32 rounding of ln V differs");
        assertEquals(ids.length, b.tokens());
        assertEquals(bytes, b.bytes());
    }
}
