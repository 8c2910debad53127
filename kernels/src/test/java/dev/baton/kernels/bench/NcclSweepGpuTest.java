package dev.baton.kernels.bench;

import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A one-GPU sweep at small sizes: one communicator (W = 1), every launch's result checked on the
 * device's output, bus bandwidth 0 by nccl-tests' formula, and the file written line by line.
 */
@GpuTest
class NcclSweepGpuTest {
    @Test
    void aOneGpuSweepChecksEveryResultAndWritesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sweep.txt");
        NcclSweepOptions o = NcclSweepOptions.parse("--devices", "1", "--max-bytes", "1M", "--iters", "3",
                "--warmup", "1", "--out", file.toString());
        StringWriter text = new StringWriter();
        List<SweepPoint> points = new NcclSweep(o, new PrintWriter(text, true)).run();
        System.out.print(text);

        assertEquals(2 * 3 * 5, points.size(), "bf16 and fp32 x 3 collectives x 64K..1M");
        for (SweepPoint p : points) {
            assertEquals(1, p.world());
            assertTrue(p.micros() > 0 && p.algbw() > 0, p.tableRow());
            assertEquals(0.0, p.busbw(), p.tableRow());
            // the whole result at W = 1 is one part: head and tail windows, or all of it when short
            long expected = Math.min(p.elements(), 2L * SweepPattern.WINDOW);
            assertEquals(expected, p.checked(), "values checked: " + p.tableRow());
            assertEquals(p.elements() * p.type().bytes(), p.bytes());
        }
        assertEquals(DType.BF16, points.get(0).type());
        assertEquals(65536L, points.get(0).bytes());
        assertEquals(1L << 20, points.get(points.size() - 1).bytes());

        List<String> lines = Files.readAllLines(file);
        assertEquals(SweepFile.MAGIC, lines.get(0));
        List<String> data = lines.stream().filter(l -> !l.startsWith("#")).skip(1).toList();
        assertEquals(points.size(), data.size());
        assertTrue(data.get(0).startsWith("reduce_scatter 1 65536 "), data.get(0));
        assertTrue(text.toString().contains("wrote 30 points"), text.toString());
    }
}
