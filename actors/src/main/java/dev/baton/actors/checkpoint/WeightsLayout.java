package dev.baton.actors.checkpoint;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.tensor.Shape;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a run's parameters stand in a weights file: under their parameter names (the record's, e.g.
 * {@code attn_bank} for the label {@code attn}, so that PyTorch reads the file) and in their
 * single-device shapes (the layouts at W = 1), whatever W wrote it, so that one file serves every
 * world size, {@code --init-from}, {@code eval} and {@code sample}. A bank padded further for W
 * devices is stored with its single-device padding: the units beyond it are padding that never
 * holds anything.
 *
 * @param names  parameter name of each label
 * @param shapes shape in the file of each label
 */
public record WeightsLayout(Map<String, String> names, Map<String, Shape> shapes) {
    public WeightsLayout {
        names = Collections.unmodifiableMap(new LinkedHashMap<>(names));
        shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
    }

    /** The names of {@code table} and the shapes of {@code singleDevice} (the work's layouts at W = 1). */
    public static WeightsLayout of(ParamTable table, List<ParamLayout> singleDevice) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (ParamLayout l : singleDevice) {
            names.put(l.name(), table.entry(l.name()).param());
            shapes.put(l.name(), l.shape());
        }
        return new WeightsLayout(names, shapes);
    }

    public String name(String label) {
        return names.get(label);
    }

    public Shape shape(String label) {
        return shapes.get(label);
    }

    /** Every tensor a weights file must hold, by parameter name. */
    public Map<String, Shape> byName() {
        Map<String, Shape> out = new LinkedHashMap<>();
        names.forEach((label, name) -> out.put(name, shapes.get(label)));
        return out;
    }
}
