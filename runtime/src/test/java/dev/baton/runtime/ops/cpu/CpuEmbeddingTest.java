package dev.baton.runtime.ops.cpu;

import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CpuEmbeddingTest {
    private static final CpuOps OPS = new CpuOps(2);

    @AfterAll
    static void close() {
        OPS.close();
    }

    @Test
    void gathersRowsAndScatterAddsRepeatedIds() {
        GradientCheck gc = new GradientCheck(OPS, 50);
        Tensor table = gc.view(new float[] {0, 1, 10, 11, 20, 21}, Shape.of(3, 2));
        Tensor ids = gc.ints(new int[] {2, 0, 2});
        Tensor out = gc.zeros(Shape.of(3, 2));
        OPS.embeddingForward(table, ids, out);
        assertArrayEquals(new float[] {20, 21, 0, 1, 20, 21}, OPS.download(out));
        Tensor dtable = gc.view(new float[] {1, 1, 1, 1, 1, 1}, Shape.of(3, 2));
        Tensor dout = gc.view(new float[] {1, 2, 3, 4, 5, 6}, Shape.of(3, 2));
        OPS.embeddingBackward(dout, ids, dtable);
        assertArrayEquals(new float[] {4, 5, 1, 1, 7, 9}, OPS.download(dtable));
    }

    @Test
    void backwardIsTheTransposeOfTheGather() {
        GradientCheck gc = new GradientCheck(OPS, 52);
        Tensor table = gc.random(Shape.of(11, 5), 1);
        Tensor ids = gc.ints(new int[] {3, 3, 0, 10, 7, 3, 1});
        Tensor y = gc.random(Shape.of(7, 5), 1);
        Tensor out = gc.zeros(Shape.of(7, 5));
        Tensor dtable = gc.zeros(Shape.of(11, 5));
        OPS.embeddingForward(table, ids, out);
        OPS.embeddingBackward(y, ids, dtable);
        org.junit.jupiter.api.Assertions.assertEquals(gc.weighted(out, OPS.download(y)),
                gc.weighted(table, OPS.download(dtable)), 1e-4);
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        GradientCheck gc = new GradientCheck(OPS, 51);
        Tensor table = gc.zeros(Shape.of(3, 2));
        Tensor out = gc.zeros(Shape.of(1, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OPS.embeddingForward(table, gc.ints(new int[] {3}), out));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("token id 3"));
    }
}
