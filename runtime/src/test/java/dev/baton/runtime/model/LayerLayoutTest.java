package dev.baton.runtime.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerLayoutTest {
    @Test
    void recordBankMappingsDeriveFromTheLayout() {
        LayerLayout l = LayerLayout.record();
        assertEquals(10, l.attentionLayers());
        int[] attn = new int[11];
        for (int i = 0; i < 11; i++) {
            attn[i] = l.hasAttention(i) ? l.attentionIndex(i) : -1;
        }
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, -1, 6, 7, 8, 9}, attn);
        int[] veGate = new int[11];
        for (int i = 0; i < 11; i++) {
            veGate[i] = l.valueGateIndex(i);
        }
        assertArrayEquals(new int[] {0, 1, -1, -1, -1, -1, -1, -1, 2, 3, 4}, veGate);
        assertEquals(5, l.valueEmbedLayers());
        assertEquals(3, l.valueEmbedTables());
        assertArrayEquals(new int[] {-1, -1, -1, -1, -1, -1, 3, -1, -1, -1, -1}, l.skipSources());
        assertTrue(l.isPaired(5) && !l.isPaired(4));
        assertTrue(l.hasKeyOffset(10) && l.isLongWindow(3) && !l.hasKeyOffset(0));
    }

    @Test
    void inconsistentLayoutsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LayerLayout(3, List.of(1), List.of(1), List.of(),
                List.of(), List.of(-1, -1, -1), List.of(), List.of(), -1));   // paired without attention
        assertThrows(IllegalArgumentException.class, () -> new LayerLayout(3, List.of(), List.of(), List.of(),
                List.of(), List.of(-1, -1, -1), List.of(2), List.of(1), -1));  // skip out before its skip in
        assertThrows(IllegalArgumentException.class, () -> new LayerLayout(3, List.of(), List.of(), List.of(),
                List.of(), List.of(-1, -1), List.of(), List.of(), -1));        // ve list too short
    }

    @Test
    void recordSizesAndPadding() {
        GptConfig r = GptConfig.record();
        assertEquals(50304, r.vocabSize());
        assertEquals(12, r.mlpBankLayers());
        ScalarsLayout s = r.scalars();
        assertEquals(4, s.padding());
        assertEquals(40, s.size());
        assertEquals(33, s.smearLambda());
        assertEquals(34, s.backoutLambda());
        assertEquals(35, s.skipLambda());
        assertEquals(11 + 2 * 4, s.qkvLambda(4));
        assertEquals(11 + 2 * 4 + 1, s.outLambda(4));
        float[] init = s.initialValues();
        assertEquals(1.1f, init[10]);
        assertEquals(0.5f, init[31]);
        assertEquals(1.0f, init[32]);
        assertEquals(-1.5f, init[35]);
        assertEquals(1.0f, init[39]);
        // other layer counts: 3L + 3 padded to a multiple of 8, MLP bank entries to an even split of 8
        assertEquals(16, new ScalarsLayout(4, 8).size());
        assertEquals(24, new ScalarsLayout(6, 8).size());
        assertEquals(4, GptConfig.standard(128, LayerLayout.micro(), 16, 2, 8).mlpBankLayers());
        assertFalse(GptConfig.recordSmall().layout().hasAttention(6));
        assertEquals(16, GptConfig.recordSmall().blockSize());
        assertThrows(IllegalArgumentException.class, () -> GptConfig.standard(128, LayerLayout.record(), 64, 3, 16));
    }
}
