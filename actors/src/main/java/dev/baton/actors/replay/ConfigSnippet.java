package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * The tuner's answer as HOCON that {@code baton train --config FILE} layers over a profile: the
 * best candidate as {@code baton.optim.scatter-order}, {@code work-order} and
 * {@code collective-groups} (the keys {@code RunSettings.fromConfig} binds), the runners-up as
 * comments. Labels are quoted, so any label the param table allows is valid HOCON.
 */
public final class ConfigSnippet {
    public static final String SCATTER_ORDER = "baton.optim.scatter-order";
    public static final String WORK_ORDER = "baton.optim.work-order";
    public static final String COLLECTIVE_GROUPS = "baton.optim.collective-groups";

    private ConfigSnippet() {
    }

    /**
     * @param source   one line saying what was tuned, e.g. "step 5 of trace/schedule-step-00000005.txt (W=2)"
     * @param baseline the prediction for the recorded orders
     */
    public static String of(List<Candidate> best, Candidate baseline, String source) {
        if (best.isEmpty()) {
            throw new IllegalArgumentException("no candidate to write");
        }
        Candidate top = best.get(0);
        StringBuilder b = new StringBuilder();
        b.append("# Schedule orders tuned by `baton replay --tune` from ").append(source).append('\n');
        b.append(String.format(Locale.ROOT, "# predicted step time %.3f ms (the recorded orders: %.3f ms, %+.1f%%)%n",
                top.predictedMicros() / 1000, baseline.predictedMicros() / 1000,
                100 * (top.predictedMicros() / baseline.predictedMicros() - 1)));
        b.append("# use: bin/baton train --config THIS_FILE (with the profile and settings of the recorded run)\n");
        b.append(SCATTER_ORDER).append(" = ").append(list(top.orders().paramOrder())).append('\n');
        b.append(WORK_ORDER).append(" = ").append(list(top.orders().workOrder())).append('\n');
        b.append(COLLECTIVE_GROUPS).append(" = ").append(groups(top.orders())).append('\n');
        if (best.size() > 1) {
            b.append("#\n# runners-up (predicted step time, orders):\n");
            for (int i = 1; i < best.size(); i++) {
                Candidate c = best.get(i);
                b.append(String.format(Locale.ROOT, "# %d. %.3f ms  scatter-order = %s  work-order = %s  collective-groups = %s%n",
                        i + 1, c.predictedMicros() / 1000, list(c.orders().paramOrder()), list(c.orders().workOrder()),
                        groups(c.orders())));
            }
        }
        return b.toString();
    }

    /** Writes {@code text} to {@code file} through a temporary file and a rename. */
    public static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String groups(ScheduleOrders o) {
        return "[" + String.join(", ", o.groups().stream().map(ConfigSnippet::list).toList()) + "]";
    }

    private static String list(List<String> labels) {
        return "[" + String.join(", ", labels.stream().map(ConfigSnippet::quote).toList()) + "]";
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
