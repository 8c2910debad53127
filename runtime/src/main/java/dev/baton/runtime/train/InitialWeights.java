package dev.baton.runtime.train;

import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.checkpoint.SafeTensorsFile;
import dev.baton.runtime.tensor.Shape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --init-from}: starts training from given weights (a safetensors file with the record's
 * names, e.g. from PyTorch, or a checkpoint folder's weights) with a fresh optimizer state.
 */
public final class InitialWeights {
    private InitialWeights() {
    }

    /** The weights file named by {@code path}: the file itself, or {@code weights.safetensors} of a checkpoint folder. */
    public static Path file(Path path) {
        return Files.isDirectory(path) ? path.resolve(TrainingCheckpoint.WEIGHTS) : path;
    }

    /**
     * Loads every parameter from {@code path} into the executor. Names and shapes must match the
     * model exactly; otherwise nothing changes and one message lists every difference.
     */
    public static void load(Path path, StepExecutor exec) {
        Path file = file(path);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("--init-from: " + path + " is neither a safetensors file nor a checkpoint folder");
        }
        TrainingState current = exec.exportState();
        Map<String, HostTensor> loaded = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, HostTensor> e : current.weights().entrySet()) {
                Shape want = e.getValue().shape();
                if (!f.contains(e.getKey())) {
                    problems.add("missing " + e.getKey() + " " + want);
                } else if (!Arrays.equals(f.entry(e.getKey()).shape(), want.dims())) {
                    problems.add(e.getKey() + " is " + Shape.of(f.entry(e.getKey()).shape()) + " in the file but " + want
                            + " in the model");
                }
            }
            for (String name : f.names()) {
                if (!current.weights().containsKey(name)) {
                    problems.add("unexpected " + name + " " + Shape.of(f.entry(name).shape()));
                }
            }
            if (!problems.isEmpty()) {
                throw new CheckpointException(file + " does not fit this model: " + String.join("; ", problems)
                        + ". Use weights written for the same model configuration.");
            }
            for (String name : current.weights().keySet()) {
                loaded.put(name, new HostTensor(current.weights().get(name).shape(), f.floats(name)));
            }
        }
        exec.importState(new TrainingState(loaded, current.optimizer(), current.yarn()));
    }
}
