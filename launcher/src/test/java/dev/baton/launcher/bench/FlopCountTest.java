package dev.baton.launcher.bench;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.schedule.AttentionWindows;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model FLOPs of the benchmark: 6 per matrix weight and token, 12·D per visible attention pair and head. */
class FlopCountTest {
    @Test
    void recordMatrixWeights() {
        GptConfig c = GptConfig.record();
        Batch one = new Batch(new int[4], new int[4], new int[] {0, 4});
        FlopCount f = FlopCount.of(c, new AttentionWindows(5, 11, 128), new Batch[] {one});
        // 10 attention layers x 4 d^2 + 11 MLPs x 8 d^2 + lm_head d x 50304
        long params = 10L * 4 * 768 * 768 + 11L * 8 * 768 * 768 + 768L * 50304;
        assertEquals(params, f.matmulParams());
        assertEquals(4, f.tokens());
        assertEquals(6.0 * params * 4, f.matmulFlops(), 0);
    }

    @Test
    void attentionCountsVisiblePairsOfEveryLayerAndHead() {
        GptConfig c = GptConfig.record();
        // one document of 10 tokens, windows far larger: 55 causal pairs per head; paired layers see the
        // sequence doubled (20 rows, 210 pairs) with half the heads
        Batch b = new Batch(new int[10], new int[10], new int[] {0, 10});
        FlopCount f = FlopCount.of(c, new AttentionWindows(5, 11, 128), new Batch[] {b});
        double plain = 6 * 6 * 55 * 12.0 * 128;   // 6 normal attention layers, 6 heads
        double paired = 4 * 3 * 210 * 12.0 * 128; // 4 paired layers (0, 2, 5, 9), 3 head pairs
        assertEquals(plain + paired, f.attnFlops(), 1e-6);
        assertEquals(f.matmulFlops() + f.attnFlops(), f.total(), 0);
        assertTrue(f.formula().contains("6 x 114,130,944 matmul weights"), f.formula());
    }

    @Test
    void windowsCutThePairs() {
        GptConfig c = GptConfig.record().withBlockSize(1);
        Batch b = new Batch(new int[10], new int[10], new int[] {0, 10});
        // short window 1 block = 1 token: each query sees itself and one key before (19 pairs in 10 tokens);
        // long window (3 and 10 are the long layers) 3 tokens
        FlopCount f = FlopCount.of(c, new AttentionWindows(1, 3, 1), new Batch[] {b});
        long shortPairs = 1 + 9 * 2;
        long longPairs = 1 + 2 + 3 + 7 * 4;
        long pairedShort = 1 + 19 * 2;             // 20 rows
        // layers 0, 2, 5, 9 paired (short); 3, 10 long; 1, 4, 7, 8 short; 6 has none
        double expected = 12.0 * 128 * (4 * 3 * pairedShort + 2 * 6 * longPairs + 4 * 6 * shortPairs);
        assertEquals(expected, f.attnFlops(), 1e-6);
    }
}
