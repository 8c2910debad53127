package dev.baton.runtime.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line console progress display for long jobs (prepare, training): a bar, the percentage, a
 * caller-supplied detail ("1,234 docs 2.1M tok/s", "step 40 loss 3.28") and an ETA when the total
 * is known. On a terminal it redraws one line in place at most ten times a second; elsewhere (a log
 * file, CI) it degrades to a plain line every {@code plainIntervalNanos}, so logs stay readable.
 */
public final class ProgressBar {
    /** How the bar reaches the console. */
    public enum Style { TERMINAL, PLAIN, SILENT }

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 24;

    private final String label;
    private final long total;
    private final Style style;
    private final PrintStream out;
    private final LongSupplier nanoTime;
    private final long plainIntervalNanos;
    private final long startNanos;
    private long lastDrawNanos;
    /** The bar's line was taken by a {@link #message}: draw at the next update, due or not. */
    private boolean redrawDue;
    private boolean drawn;
    private int lastWidth;

    /**
     * @param total the amount that means done (steps, input bytes), or {@code <= 0} when unknown
     * @param nanoTime the clock, {@code System::nanoTime} outside tests
     */
    public ProgressBar(String label, long total, Style style, PrintStream out, LongSupplier nanoTime,
                       long plainIntervalNanos) {
        this.label = label;
        this.total = total;
        this.style = style;
        this.out = out;
        this.nanoTime = nanoTime;
        this.plainIntervalNanos = plainIntervalNanos;
        this.startNanos = nanoTime.getAsLong();
        this.lastDrawNanos = startNanos;
    }

    /** A bar on stderr: in place on a terminal, a plain line every 10 s otherwise. */
    public static ProgressBar onStderr(String label, long total) {
        return on(System.err, label, total);
    }

    /** A bar on {@code stream}: in place if it is the stderr of a terminal, a plain line every 10 s otherwise. */
    public static ProgressBar on(PrintStream stream, String label, long total) {
        boolean terminal = stream == System.err && System.console() != null && !"dumb".equals(System.getenv("TERM"));
        return new ProgressBar(label, total, terminal ? Style.TERMINAL : Style.PLAIN, stream, System::nanoTime,
                10_000_000_000L);
    }

    /** A bar that prints nothing (tests, library use). */
    public static ProgressBar silent() {
        return new ProgressBar("", 0, Style.SILENT, System.err, System::nanoTime, Long.MAX_VALUE);
    }

    /** Seconds since the bar was created, for the caller's rates. */
    public double elapsedSeconds() {
        return (nanoTime.getAsLong() - startNanos) / 1e9;
    }

    /** Reports progress {@code done} (of the total) with a detail; draws only when due. */
    public void update(long done, String detail) {
        long now = nanoTime.getAsLong();
        long interval = style == Style.TERMINAL ? REDRAW_NANOS : plainIntervalNanos;
        if (style == Style.SILENT || (!redrawDue && now - lastDrawNanos < interval)) {
            return;
        }
        redrawDue = false;
        lastDrawNanos = now;
        draw(render(done, detail, now - startNanos));
    }

    /**
     * Prints a line of its own (a validation result, a notice) above the bar: on a terminal it
     * overwrites the bar's line and the bar is redrawn at the next {@link #update}.
     */
    public void message(String line) {
        if (style == Style.SILENT) {
            return;
        }
        if (style == Style.TERMINAL && lastWidth > 0) {
            String padded = line.length() < lastWidth ? line + " ".repeat(lastWidth - line.length()) : line;
            out.println("\r" + padded);
            lastWidth = 0;
            redrawDue = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Draws the final state and ends the line. */
    public void finish(long done, String detail) {
        if (style == Style.SILENT) {
            return;
        }
        draw(render(done, detail, nanoTime.getAsLong() - startNanos));
        if (style == Style.TERMINAL) {
            out.println();
        }
        out.flush();
    }

    private void draw(String line) {
        if (style == Style.TERMINAL) {
            // pad over a longer previous line instead of relying on ANSI escapes
            String padded = line.length() < lastWidth ? line + " ".repeat(lastWidth - line.length()) : line;
            out.print("\r" + padded);
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
        drawn = true;
    }

    /** Whether anything has been drawn yet. */
    public boolean drawn() {
        return drawn;
    }

    /** The line for {@code done} after {@code elapsedNanos}; the bar itself only in terminal style. */
    public String render(long done, String detail, long elapsedNanos) {
        StringBuilder line = new StringBuilder(label);
        double seconds = elapsedNanos / 1e9;
        if (total > 0) {
            double fraction = Math.min(1.0, Math.max(0.0, (double) done / total));
            if (style == Style.TERMINAL) {
                int filled = (int) Math.round(fraction * BAR_WIDTH);
                line.append(" [").append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append(']');
            }
            line.append(String.format(Locale.ROOT, " %3d%%", (int) Math.floor(fraction * 100)));
            if (detail != null && !detail.isEmpty()) {
                line.append("  ").append(detail);
            }
            if (fraction > 0 && fraction < 1) {
                line.append("  ETA ").append(ReadableUnits.duration(seconds * (1 - fraction) / fraction));
            } else {
                line.append("  ").append(ReadableUnits.duration(seconds));
            }
        } else {
            if (detail != null && !detail.isEmpty()) {
                line.append("  ").append(detail);
            }
            line.append("  ").append(ReadableUnits.duration(seconds));
        }
        return line.toString();
    }
}
