package dev.baton.runtime.golf;

import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.checkpoint.SafeTensorsFile;
import dev.baton.runtime.checkpoint.SafeTensorsWriter;
import dev.baton.runtime.golf.artifact.StateTensor;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.Ops;
import dev.baton.runtime.param.Param;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The golf model's weights on disk and as host state: a safetensors file with every parameter under
 * its {@code state_dict} name (fp32), and, when the run kept one, the weight average under
 * {@code ema/<name>} in the same file. A checkpoint is named by that file, by a step folder holding
 * it as {@code weights.safetensors}, or by a checkpoint folder whose {@code latest} names the step
 * folder (the actor runtime's layout).
 */
public final class GolfWeights {
    public static final String EMA_PREFIX = "ema/";
    public static final String FORMAT = "baton-golf-weights-1";
    public static final String WEIGHTS_FILE = "weights.safetensors";

    private GolfWeights() {
    }

    /** The weights file a checkpoint argument names; a missing one ends in one message saying what was looked for. */
    public static Path resolve(Path checkpoint) {
        if (Files.isRegularFile(checkpoint)) {
            return checkpoint;
        }
        if (Files.isDirectory(checkpoint)) {
            Path latest = checkpoint.resolve("latest");
            if (Files.isRegularFile(latest)) {
                try {
                    return resolve(checkpoint.resolve(Files.readString(latest, StandardCharsets.UTF_8).trim()));
                } catch (IOException e) {
                    throw new CheckpointException("cannot read " + latest + ": " + e.getMessage());
                }
            }
            Path weights = checkpoint.resolve(WEIGHTS_FILE);
            if (Files.isRegularFile(weights)) {
                return weights;
            }
            throw new CheckpointException(checkpoint + " holds neither " + WEIGHTS_FILE + " nor a 'latest' file; give "
                    + "a golf weights file or a checkpoint folder");
        }
        throw new CheckpointException(checkpoint + ": no such file or folder; give the weights file a golf run wrote");
    }

    /**
     * Writes the weights (and the average, when {@code ema} is not null) atomically with
     * {@code metadata} in the header.
     */
    public static void save(Path file, Ops ops, ParamSet params, WeightEma ema, Map<String, String> metadata) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        w.metadata("format", FORMAT);
        metadata.forEach(w::metadata);
        for (Param p : params.all()) {
            w.putFloats(p.name(), p.value().shape().dims(), ops.download(p.value()));
        }
        if (ema != null) {
            w.metadata("ema_decay", Double.toString(ema.decay()));
            for (Param p : params.all()) {
                w.putFloats(EMA_PREFIX + p.name(), p.value().shape().dims(), ema.average(p.name()));
            }
        }
        w.write(file);
    }

    /** Whether {@code file} holds a weight average. */
    public static boolean hasEma(Path file) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            return f.names().stream().anyMatch(n -> n.startsWith(EMA_PREFIX));
        }
    }

    /**
     * The model state in {@code state_dict} order: the weights, or their average when {@code ema}.
     * Every parameter of {@code config} must be present with its shape; one message lists every
     * difference.
     */
    public static List<StateTensor> read(Path file, GolfConfig config, boolean ema) {
        String prefix = ema ? EMA_PREFIX : "";
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            if (ema && f.names().stream().noneMatch(n -> n.startsWith(EMA_PREFIX))) {
                throw new CheckpointException(file + " holds no weight average (the run had baton.golf.ema-decay = 0); "
                        + "use the weights themselves");
            }
            List<String> problems = new ArrayList<>();
            Map<String, Shape> shapes = GolfParams.shapes(config);
            shapes.forEach((name, shape) -> {
                if (!f.contains(prefix + name)) {
                    problems.add("missing " + prefix + name + " " + shape);
                } else if (!Arrays.equals(f.entry(prefix + name).shape(), shape.dims())) {
                    problems.add(prefix + name + " is " + Arrays.toString(f.entry(prefix + name).shape()) + " in the file but "
                            + shape + " in the model");
                }
            });
            if (!problems.isEmpty()) {
                throw new CheckpointException(file + " does not fit this golf model: " + String.join("; ", problems)
                        + ". Use the configuration (profile and --set) the run was made with.");
            }
            List<StateTensor> out = new ArrayList<>();
            shapes.forEach((name, shape) -> out.add(new StateTensor(name, shape.dims(), DType.F32, f.floats(prefix + name))));
            return out;
        }
    }

    /** Writes a state into the parameters' values; names and shapes must match exactly. */
    public static void load(List<StateTensor> state, ParamSet params, Ops ops) {
        List<String> problems = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (StateTensor t : state) {
            seen.add(t.name());
            if (!params.contains(t.name())) {
                problems.add("unexpected " + t);
            } else if (!Arrays.equals(params.get(t.name()).value().shape().dims(), t.shape())) {
                problems.add(t.name() + " is " + Arrays.toString(t.shape()) + " but the model has "
                        + params.get(t.name()).value().shape());
            }
        }
        for (Param p : params.all()) {
            if (!seen.contains(p.name())) {
                problems.add("missing " + p.name());
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException("the model state does not fit this golf model: " + String.join("; ", problems));
        }
        for (StateTensor t : state) {
            Tensor dst = params.get(t.name()).value();
            ops.write(dst, t.values());
        }
    }
}
