package dev.baton.runtime.report;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ProgressBarTest {
    static final long SECOND = 1_000_000_000L;
    final AtomicLong clock = new AtomicLong(0);
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void terminalLineShowsBarPercentDetailAndEta() {
        ProgressBar bar = new ProgressBar("train", 200, ProgressBar.Style.TERMINAL, out, clock::get, 10 * SECOND);
        assertEquals("train [############............]  50%  loss 3.28  ETA 10s",
                bar.render(100, "loss 3.28", 10 * SECOND));
        assertEquals("train [########################] 100%  loss 3.00  1m20s",
                bar.render(200, "loss 3.00", 80 * SECOND));
    }

    @Test
    void unknownTotalShowsElapsedOnly() {
        ProgressBar bar = new ProgressBar("prepare", -1, ProgressBar.Style.PLAIN, out, clock::get, SECOND);
        assertEquals("prepare  12 docs  1m05s", bar.render(5, "12 docs", 65 * SECOND));
    }

    @Test
    void plainStylePrintsOneLinePerIntervalWithoutCarriageReturns() {
        ProgressBar bar = new ProgressBar("prepare", 1000, ProgressBar.Style.PLAIN, out, clock::get, 10 * SECOND);
        for (int t = 1; t <= 25; t++) {
            clock.set(t * SECOND);
            bar.update(t * 20L, "docs " + t);
        }
        bar.finish(1000, "done");
        assertEquals("prepare  20%  docs 10  ETA 40s\n"
                + "prepare  40%  docs 20  ETA 30s\n"
                + "prepare 100%  done  25s\n", printed());
        assertFalse(printed().contains("\r"));
    }

    @Test
    void terminalStyleRedrawsInPlaceAtMostTenTimesASecond() {
        ProgressBar bar = new ProgressBar("x", 10, ProgressBar.Style.TERMINAL, out, clock::get, 10 * SECOND);
        clock.set(50_000_000L);
        bar.update(1, "a"); // too soon after the start: skipped
        clock.set(150_000_000L);
        bar.update(2, "bb");
        clock.set(200_000_000L);
        bar.update(3, "c"); // 50 ms after the last draw: skipped
        clock.set(300_000_000L);
        bar.update(4, "d");
        String s = printed();
        assertEquals(2, s.chars().filter(c -> c == '\r').count());
        assertFalse(s.contains("\n"));
        bar.finish(10, "e");
        assertEquals(3, printed().chars().filter(c -> c == '\r').count());
        assertEquals('\n', printed().charAt(printed().length() - 1));
    }

    @Test
    void silentPrintsNothing() {
        ProgressBar bar = new ProgressBar("x", 10, ProgressBar.Style.SILENT, out, clock::get, 0);
        clock.set(100 * SECOND);
        bar.update(5, "a");
        bar.finish(10, "b");
        assertEquals("", printed());
    }

    @Test
    void readableUnits() {
        assertEquals("1,234,567", ReadableUnits.count(1_234_567));
        assertEquals("1.23M", ReadableUnits.compact(1_234_567));
        assertEquals("45.6k", ReadableUnits.compact(45_600));
        assertEquals("999", ReadableUnits.compact(999));
        assertEquals("4.1 MB", ReadableUnits.bytes(4_139_037));
        assertEquals("512 B", ReadableUnits.bytes(512));
        assertEquals("9s", ReadableUnits.duration(9.4));
        assertEquals("1m15s", ReadableUnits.duration(75));
        assertEquals("1h01m", ReadableUnits.duration(3700));
    }

    @Test
    void aMessageTakesTheBarsLineAndTheBarRedrawsAtOnce() {
        ProgressBar bar = new ProgressBar("x", 10, ProgressBar.Style.TERMINAL, out, clock::get, 10 * SECOND);
        clock.set(150_000_000L);
        bar.update(2, "a long detail");
        String drawn = printed();
        bar.message("val 2.5");
        assertEquals(drawn + "\rval 2.5" + " ".repeat(drawn.length() - 1 - "val 2.5".length()) + "\n", printed());
        clock.set(160_000_000L);
        bar.update(3, "b"); // only 10 ms later, but the line was taken: drawn again
        assertEquals(3, printed().chars().filter(c -> c == '\r').count());

        bytes.reset();
        ProgressBar plain = new ProgressBar("x", 10, ProgressBar.Style.PLAIN, out, clock::get, 10 * SECOND);
        plain.message("val 2.5");
        assertEquals("val 2.5\n", printed());
    }
}
