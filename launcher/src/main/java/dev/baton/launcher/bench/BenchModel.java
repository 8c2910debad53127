package dev.baton.launcher.bench;

import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.schedule.TrainingSchedule;

/**
 * What the benchmark trains: model sizes, param table, optimizer settings and schedule, the seed
 * of the portable initialisation, the loader's document cut and the BOS id of the synthetic data.
 */
public record BenchModel(GptConfig model, ParamTable table, AdamConfig adam, NorMuonConfig normuon,
                         TrainingSchedule schedule, long seed, int maxSeqLen, int bos) {
    /** GPT-2's end-of-text id, the record's BOS. */
    public static final int GPT2_BOS = 50256;
}
