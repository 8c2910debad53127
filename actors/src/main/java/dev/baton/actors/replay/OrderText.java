package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line's and the schedule file's spelling of orders: labels separated by commas,
 * groups as {@code a+b,c+d} ({@code -} for none).
 */
public final class OrderText {
    private OrderText() {
    }

    public static List<String> labels(String csv) {
        if (csv == null || csv.isBlank() || csv.strip().equals("-")) {
            return List.of();
        }
        return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    public static List<List<String>> groups(String text) {
        List<List<String>> out = new ArrayList<>();
        for (String g : labels(text)) {
            out.add(Arrays.stream(g.split("\\+")).map(String::strip).filter(s -> !s.isEmpty()).toList());
        }
        return out;
    }

    public static String groups(List<List<String>> groups) {
        if (groups.isEmpty()) {
            return "-";
        }
        return String.join(",", groups.stream().map(g -> String.join("+", g)).toList());
    }

    public static String describe(ScheduleOrders o) {
        return "param " + String.join(",", o.paramOrder()) + " | work " + String.join(",", o.workOrder())
                + " | groups " + groups(o.groups());
    }

    /**
     * {@code wanted} completed to a full order: labels of {@code full} that {@code wanted} leaves
     * out keep their places; fails on a label that {@code full} lacks or one named twice.
     */
    public static List<String> complete(List<String> wanted, List<String> full, String what) {
        for (String l : wanted) {
            if (!full.contains(l)) {
                throw new IllegalArgumentException(what + " names '" + l + "', which is not a label of this run; labels: "
                        + String.join(",", full));
            }
        }
        if (wanted.stream().distinct().count() != wanted.size()) {
            throw new IllegalArgumentException(what + " names a label twice: " + String.join(",", wanted));
        }
        List<String> out = new ArrayList<>(full);
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < full.size(); i++) {
            if (wanted.contains(full.get(i))) {
                slots.add(i);
            }
        }
        for (int i = 0; i < slots.size(); i++) {
            out.set(slots.get(i), wanted.get(i));
        }
        return out;
    }
}
