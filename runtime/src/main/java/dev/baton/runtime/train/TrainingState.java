package dev.baton.runtime.train;

import dev.baton.runtime.optim.StateTensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a training run needs to continue exactly, as host copies, whatever the number of
 * devices that wrote it: the weights under the record's parameter names, the optimizer state
 * merged whole (names of {@code NorMuonAndAdam.exportState}: {@code optim.<label>.<field>},
 * {@code optim.tied}) and the rotary state. The step, loader position and counters are the
 * checkpoint's (see {@code TrainingCheckpoint}).
 */
public record TrainingState(Map<String, HostTensor> weights, Map<String, StateTensor> optimizer, YarnState yarn) {
    public TrainingState {
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        optimizer = Collections.unmodifiableMap(new LinkedHashMap<>(optimizer));
    }
}
