package dev.baton.actors.training.golf;

import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.optim.MuonAndAdam;
import dev.baton.runtime.tensor.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The golf model's Muon matrices grouped into banks by shape, so that the shard plan splits them
 * over the ranks by whole matrices as it splits the speedrun's banks: the baseline's c_q and
 * attn.proj (d × d), c_k and c_v (kv × d), mlp.fc (2d × d) and mlp.proj (d × 2d) become four banks
 * of 18, 18, 9 and 9 matrices. Within a bank the matrices keep {@code state_dict} order; banks are
 * ordered by their first matrix. Pure description: {@link GolfReplica} allocates them.
 */
public final class GolfMatrixBanks {
    /**
     * One bank: {@code names.size()} matrices of {@code rows × cols}, matrix {@code i} being the
     * parameter {@code names.get(i)}.
     */
    public record Bank(String label, int rows, int cols, List<String> names) {
        public Bank {
            names = List.copyOf(names);
        }

        /** The allocated shape {@code (n, rows, cols)}. */
        public Shape shape() {
            return Shape.of(names.size(), rows, cols);
        }
    }

    private GolfMatrixBanks() {
    }

    /** The label of the bank of {@code rows × cols} matrices, e.g. {@code muon_512x1024}. */
    public static String label(int rows, int cols) {
        return "muon_" + rows + "x" + cols;
    }

    /** The banks of {@code config}: every parameter of Muon's group, once, grouped by shape. */
    public static List<Bank> of(GolfConfig config) {
        Map<String, MuonAndAdam.Group> groups = GolfParams.groups(config);
        Map<String, List<String>> byLabel = new LinkedHashMap<>();
        Map<String, Shape> shapes = GolfParams.shapes(config);
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            if (groups.get(e.getKey()) == MuonAndAdam.Group.MATRIX) {
                Shape s = e.getValue();
                byLabel.computeIfAbsent(label(s.dim(0), s.dim(1)), k -> new ArrayList<>()).add(e.getKey());
            }
        }
        List<Bank> banks = new ArrayList<>();
        byLabel.forEach((label, names) -> {
            Shape s = shapes.get(names.get(0));
            banks.add(new Bank(label, s.dim(0), s.dim(1), names));
        });
        return banks;
    }

    /** The parameters Adam updates (scalar and embedding groups), in {@code state_dict} order. */
    public static List<String> adamParams(GolfConfig config) {
        List<String> out = new ArrayList<>();
        GolfParams.groups(config).forEach((name, group) -> {
            if (group != MuonAndAdam.Group.MATRIX) {
                out.add(name);
            }
        });
        return out;
    }
}
