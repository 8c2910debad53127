package dev.baton.runtime.train;

import dev.baton.runtime.data.LoaderOptions;
import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.ShardWriter;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.LayerLayout;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.ParamEntry;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.schedule.LrStep;
import dev.baton.runtime.schedule.MtpRule;
import dev.baton.runtime.schedule.ScheduleConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A training run small enough for unit tests that still has every feature of the record's: the
 * 4-layer micro layout (paired heads, key offset, value embeddings, skip, backout), 6 + 2 steps
 * with YaRN transitions at steps 2, 4 and 6, the untie after step 5, Adam on odd steps, 2 ranks,
 * validation every 2 steps; random documents of ids 4..127 after BOS 1.
 */
final class TinyRun {
    static final int VOCAB = 128;
    static final int BOS = 1;

    private TinyRun() {
    }

    static GptConfig model(int dim) {
        return GptConfig.standard(VOCAB, LayerLayout.micro(), dim, 2, dim / 2).withBlockSize(4);
    }

    /** The record's table without ve2 (the micro layout has two value-embedding tables). */
    static ParamTable table() {
        ParamTable r = ParamTable.record();
        List<ParamEntry> entries = r.inScatterOrder().stream().filter(e -> !e.label().equals("ve2")).toList();
        return new ParamTable(entries, without(r.scatterOrder()), without(r.workOrder()), r.tie());
    }

    private static List<String> without(List<String> labels) {
        return labels.stream().filter(l -> !l.equals("ve2")).toList();
    }

    static ScheduleConfig schedule() {
        return new ScheduleConfig(6, 2, 0.5, List.of(new LrStep(1.0 / 3, 1.52), new LrStep(2.0 / 3, 1.73)), 0.1,
                List.of(64, 96, 128), 128, List.of(3, 7, 11), 13, 20, 4, 2.0 / 3, 4, 2, 0.85, 0.95, MtpRule.RECORD, 2);
    }

    static TrainingConfig config(int dim, long seed) {
        return new TrainingConfig(model(dim), table(), AdamConfig.record(), NorMuonConfig.record(), schedule(), seed);
    }

    static RunPolicy policy(Path dir, int checkpointEvery) {
        return new RunPolicy(2, 1, 2, 128, 64, dir.resolve("checkpoints"), checkpointEvery, 0, dir.resolve("train.jsonl"));
    }

    static LoaderOptions loader() {
        return LoaderOptions.record(48, BOS);
    }

    /** A train and a val shard of random documents (lengths 5..40 with BOS) under {@code dir}. */
    static ShardSet[] shards(Path dir, long seed) {
        Random r = new Random(seed);
        return new ShardSet[] {ShardSet.of(List.of(ShardWriter.write(dir.resolve("tiny_train_000000.bin"), documents(r, 20000)))),
            ShardSet.of(List.of(ShardWriter.write(dir.resolve("tiny_val_000000.bin"), documents(r, 2000))))};
    }

    private static int[] documents(Random r, int tokens) {
        int[] out = new int[tokens];
        int i = 0;
        while (i < tokens) {
            int len = 5 + r.nextInt(36);
            out[i++] = BOS;
            for (int k = 1; k < len && i < tokens; k++) {
                out[i++] = 4 + r.nextInt(VOCAB - 4);
            }
        }
        return out;
    }

    /** A CPU device with 2 threads for {@code config}, sized for the tiny run's slices. */
    static SingleDeviceExecutor device(TrainingConfig config) {
        return SingleDeviceExecutor.onCpu(config, 64, 2);
    }
}
