package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Gantt chart of one or more step timelines as a standalone SVG: one panel per timeline
 * (recorded and predicted, or two orders) on one shared time axis, one lane per worker and
 * stream, one {@code <rect class="cmd">} per command coloured by parameter (hue) and kind
 * (shade), with a tooltip, a time axis in milliseconds and a legend.
 */
public final class GanttSvg {
    /** One panel: a title and its timeline. */
    public record Panel(String title, Timeline timeline) {
    }

    private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#17becf", "#bcbd22", "#393b79", "#ad494a", "#637939", "#7b4173", "#3182bd"};
    private static final int WIDTH = 1400;
    private static final int LEFT = 150;
    private static final int RIGHT = 30;
    private static final int LANE = 16;
    private static final int LANE_GAP = 4;

    private GanttSvg() {
    }

    /** Writes the chart of {@code panels} to {@code file} through a temporary file and a rename. */
    public static void write(Path file, List<Panel> panels) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, render(panels), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static String render(List<Panel> panels) {
        double span = 0;
        for (Panel p : panels) {
            span = Math.max(span, p.timeline().makespan());
        }
        span = Math.max(span, 1);
        Map<String, String> colours = colours(panels);
        double scale = (WIDTH - LEFT - RIGHT) / span;
        StringBuilder body = new StringBuilder();
        int y = 10;
        for (Panel p : panels) {
            y = panel(body, p, y, scale, span, colours);
        }
        y = legend(body, y, colours);
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + WIDTH + "\" height=\"" + y + "\" viewBox=\"0 0 "
                + WIDTH + " " + y + "\" font-family=\"sans-serif\" font-size=\"10\">\n"
                + "<rect class=\"background\" x=\"0\" y=\"0\" width=\"" + WIDTH + "\" height=\"" + y + "\" fill=\"white\"/>\n"
                + body + "</svg>\n";
    }

    private static int panel(StringBuilder b, Panel p, int y, double scale, double span, Map<String, String> colours) {
        Timeline t = p.timeline();
        b.append(text(LEFT, y + 12, String.format(Locale.ROOT, "%s: %.3f ms", p.title(), t.makespan() / 1000), "bold", 12));
        y += 20;
        for (int r = 0; r < t.world(); r++) {
            for (String s : t.streams()) {
                b.append(text(8, y + LANE - 4, "rank " + r + " " + s, "normal", 10));
                b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eeeeee\"/>%n",
                        LEFT, y + LANE, WIDTH - RIGHT, y + LANE));
                for (TimedCommand c : t.lane(r, s)) {
                    command(b, t, c, y, scale, colours);
                }
                y += LANE + LANE_GAP;
            }
        }
        return axis(b, y, scale, span) + 16;
    }

    private static void command(StringBuilder b, Timeline t, TimedCommand c, int y, double scale, Map<String, String> colours) {
        double x = LEFT + c.start() * scale;
        double w = Math.max(0.5, c.duration() * scale);
        String fill = fill(c, colours);
        String tip = String.format(Locale.ROOT, "rank %d %s: %s%s, %.3f-%.3f ms (%.3f ms)", c.rank(), c.stream(), c.label(),
                c.bytes() > 0 ? ", " + c.bytes() + " B" : "", c.start() / 1000, c.end() / 1000, c.duration() / 1000);
        if (c.collective() >= 0) {
            double wait = t.launch(c.collective()) - c.start();
            if (wait > 0.5) {
                tip += String.format(Locale.ROOT, ", waited %.3f ms for the last rank", wait / 1000);
            }
        }
        b.append(String.format(Locale.ROOT, "<rect class=\"cmd\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\""
                + " stroke=\"%s\" stroke-width=\"0.5\"%s><title>%s</title></rect>%n", x, y, w, LANE, fill,
                c.communication() ? "#333333" : "#ffffff",
                c.kind() == CommandKind.COLLECTIVE_GROUP ? " stroke-dasharray=\"2,1\"" : "", escape(tip)));
        String label = abbreviation(c.kind()) + (c.param().isEmpty() ? "" : " " + c.param());
        int fits = (int) ((w - 4) / 6);
        if (fits >= 3) {
            b.append(text(x + 2, y + LANE - 4, label.length() > fits ? label.substring(0, fits) : label, "normal", 9));
        }
    }

    private static int axis(StringBuilder b, int y, double scale, double span) {
        double stepMs = niceStep(span / 1000 / 10);
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                LEFT, y, WIDTH - RIGHT, y));
        for (double ms = 0; ms <= span / 1000 + 1e-9; ms += stepMs) {
            double x = LEFT + ms * 1000 * scale;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"black\"/>%n",
                    x, y, x, y + 4));
            b.append(text(x - 8, y + 15, trim(ms) + " ms", "normal", 9));
        }
        return y + 18;
    }

    private static int legend(StringBuilder b, int y, Map<String, String> colours) {
        b.append(text(8, y + 10, "parameters", "bold", 10));
        int x = LEFT;
        for (Map.Entry<String, String> e : colours.entrySet()) {
            b.append(String.format(Locale.ROOT, "<rect class=\"legend\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    x, y, e.getValue()));
            b.append(text(x + 16, y + 10, e.getKey(), "normal", 10));
            x += 24 + 7 * e.getKey().length();
        }
        y += 20;
        b.append(text(8, y + 10, "kinds (shade)", "bold", 10));
        String base = colours.isEmpty() ? PALETTE[0] : colours.values().iterator().next();
        x = LEFT;
        for (CommandKind k : List.of(CommandKind.UPDATE, CommandKind.REDUCE_SCATTER, CommandKind.ALL_GATHER,
                CommandKind.COMBINE_TIED, CommandKind.FORWARD_BACKWARD, CommandKind.CLEAR_GRADS)) {
            String name = k == CommandKind.REDUCE_SCATTER ? "reduce_scatter / all_reduce / group" : k.wireName();
            b.append(String.format(Locale.ROOT, "<rect class=\"legend\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    x, y, shade(k, base)));
            b.append(text(x + 16, y + 10, name, "normal", 10));
            x += 30 + 6 * name.length();
        }
        return y + 24;
    }

    private static Map<String, String> colours(List<Panel> panels) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Panel p : panels) {
            for (TimedCommand c : p.timeline().commands()) {
                String key = colourKey(c.param());
                if (!key.isEmpty() && shaded(c.kind()) && !out.containsKey(key)) {
                    out.put(key, PALETTE[out.size() % PALETTE.length]);
                }
            }
        }
        return out;
    }

    /** The label a command's colour follows: the first of a fused launch, without a state suffix. */
    static String colourKey(String param) {
        String first = param.split("\\+", -1)[0];
        int dot = first.indexOf('.');
        return dot > 0 ? first.substring(0, dot) : first;
    }

    private static boolean shaded(CommandKind k) {
        return k != CommandKind.FORWARD_BACKWARD && k != CommandKind.CLEAR_GRADS && k != CommandKind.LOSS;
    }

    private static String fill(TimedCommand c, Map<String, String> colours) {
        String base = colours.get(colourKey(c.param()));
        return shade(c.kind(), base == null ? "#999999" : base);
    }

    private static String shade(CommandKind k, String base) {
        return switch (k) {
            case FORWARD_BACKWARD -> "#8c8c8c";
            case CLEAR_GRADS, LOSS -> "#c8c8c8";
            case UPDATE -> base;
            case REDUCE_SCATTER, ALL_REDUCE, COLLECTIVE_GROUP, BROADCAST -> mix(base, 255, 0.45);
            case ALL_GATHER -> mix(base, 255, 0.7);
            default -> mix(base, 0, 0.3);
        };
    }

    private static String mix(String hex, int with, double amount) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        int[] c = {(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255};
        StringBuilder b = new StringBuilder("#");
        for (int v : c) {
            b.append(String.format(Locale.ROOT, "%02x", (int) Math.round(v + (with - v) * amount)));
        }
        return b.toString();
    }

    private static String abbreviation(CommandKind k) {
        return switch (k) {
            case FORWARD_BACKWARD -> "fwd/bwd";
            case REDUCE_SCATTER -> "RS";
            case ALL_REDUCE -> "AR";
            case ALL_GATHER -> "AG";
            case COLLECTIVE_GROUP -> "group";
            case UPDATE -> "upd";
            case CLEAR_GRADS -> "clear";
            default -> k.wireName();
        };
    }

    static double niceStep(double raw) {
        if (raw <= 0) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * mag >= raw) {
                return m * mag;
            }
        }
        return 10 * mag;
    }

    private static String trim(double ms) {
        String s = String.format(Locale.ROOT, "%.3f", ms);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String text(double x, double y, String s, String weight, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n",
                x, y, size, weight, escape(s));
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
