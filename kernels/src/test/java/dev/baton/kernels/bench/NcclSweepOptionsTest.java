package dev.baton.kernels.bench;

import dev.baton.runtime.tensor.DType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep's command line: defaults as the brief's sweep (64 KiB to 1 GiB), values, and one-line errors. */
class NcclSweepOptionsTest {
    @Test
    void defaultsSweepFifteenSizesFrom64KiBTo1GiBInBothTypes() {
        NcclSweepOptions o = NcclSweepOptions.parse();
        assertEquals(Path.of("nccl-sweep.txt"), o.out());
        assertEquals(15, o.sizes().size());
        assertEquals(65536L, o.sizes().get(0));
        assertEquals(1L << 30, o.sizes().get(14));
        assertEquals(20, o.iters());
        assertEquals(5, o.largeIters());
        assertEquals(20, o.itersAt(64L << 20));
        assertEquals(5, o.itersAt(128L << 20));
        assertEquals(5, o.warmup());
        assertEquals(0, o.devices());
        assertEquals(List.of(DType.BF16, DType.F32), o.types());
        assertFalse(o.help());
    }

    @Test
    void valuesWithSuffixesAndEqualsSigns() {
        NcclSweepOptions o = NcclSweepOptions.parse("--out", "/tmp/s.txt", "--max-bytes", "16M", "--min-bytes=1k",
                "--iters", "7", "--large-iters", "2", "--warmup=0", "--devices", "2", "--types", "fp32", "--timeout-s", "30");
        assertEquals(Path.of("/tmp/s.txt"), o.out());
        assertEquals(1024L, o.minBytes());
        assertEquals(16L << 20, o.maxBytes());
        assertEquals(15, o.sizes().size());
        assertEquals(7, o.iters());
        assertEquals(2, o.largeIters());
        assertEquals(0, o.warmup());
        assertEquals(2, o.devices());
        assertEquals(List.of(DType.F32), o.types());
        assertEquals(30, o.timeoutSeconds());
        assertEquals(List.of(65536L, 131072L), NcclSweepOptions.parse("--max-bytes", "131072").sizes());
        assertEquals(List.of(1L << 30), NcclSweepOptions.parse("--min-bytes", "1GB").sizes());
        assertTrue(NcclSweepOptions.parse("--help").help());
    }

    @Test
    void wrongArgumentsNameTheOptionAndTheFix() {
        assertMessage("--max-bytes 1000: must be a power of two", "--max-bytes", "1000");
        assertMessage("--max-bytes 512: must be a power of two of at least 1K", "--max-bytes", "512");
        assertMessage("--max-bytes lots: not a byte count", "--max-bytes", "lots");
        assertMessage("--max-bytes 0: must be positive", "--max-bytes", "0");
        assertMessage("--max-bytes 8589934592G: must be positive and at most 2^62", "--max-bytes", "8589934592G");
        assertMessage("--min-bytes 1048576 is larger than --max-bytes 65536", "--min-bytes", "1M", "--max-bytes", "64K");
        assertMessage("--iters 0: must be at least 1", "--iters", "0");
        assertMessage("--warmup -1: must be at least 0", "--warmup", "-1");
        assertMessage("--iters x: not a whole number", "--iters", "x");
        assertMessage("--types bf16,fp16: fp16 is not one of bf16, fp32", "--types", "bf16,fp16");
        assertMessage("unknown option --size", "--size", "4");
        assertMessage("--out needs a value", "--out");
    }

    private static void assertMessage(String start, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NcclSweepOptions.parse(args));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
