package dev.baton.actors.bench;

import com.typesafe.config.Config;
import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.model.LayerLayout;
import dev.baton.runtime.schedule.LrStep;
import dev.baton.runtime.schedule.MtpRule;
import dev.baton.runtime.schedule.ScheduleConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys of the tiny-cpu profile the benchmarks need, read from the conf module (the launcher's
 * own binding is the trainer's; this one reads only sizes and schedules). The layout keys are
 * the record's in every profile, so the model takes {@link LayerLayout#record()}.
 */
record TinyCpuProfile(Config root, GptConfig model, ScheduleConfig schedule, int devices, int gradAccum, int maxSeqLen,
                      int valBatchTokens, String tokenizer) {
    static TinyCpuProfile load() {
        Config root = ConfigLoader.fromClasspath().load(ConfigRequest.profile("tiny-cpu")).config();
        Config b = root.getConfig("baton");
        Config m = b.getConfig("model");
        int pad = m.getInt("vocab-pad-multiple");
        int vocab = (m.getInt("vocab-size") + pad - 1) / pad * pad;
        GptConfig model = GptConfig.standard(vocab, LayerLayout.record(), m.getInt("model-dim"), m.getInt("num-heads"),
                m.getInt("head-dim")).withBlockSize(m.getInt("block-size"));
        Config s = b.getConfig("optim.schedule");
        List<Double> lrMax = s.getDoubleList("lr-max");
        List<LrStep> raises = new ArrayList<>();
        for (int i = 1; i < lrMax.size(); i++) {
            raises.add(new LrStep((double) i / lrMax.size(), lrMax.get(i)));
        }
        ScheduleConfig schedule = new ScheduleConfig(s.getInt("scheduled-steps"), s.getInt("extension-steps"),
                s.getDouble("cooldown-frac"), raises, s.getDouble("lr-final"), s.getIntList("batch-tokens"),
                s.getInt("extension-batch-tokens"), s.getIntList("window-blocks"), s.getInt("final-window-blocks"),
                s.getInt("validate-window-blocks"), m.getInt("block-size"), s.getDouble("untie-frac"),
                s.getInt("momentum-warmup-steps"), s.getInt("momentum-cooldown-steps"), s.getDouble("momentum-start"),
                b.getDouble("optim.normuon.momentum"), MtpRule.RECORD, b.getInt("optim.adam.update-every"));
        return new TinyCpuProfile(root, model, schedule, b.getInt("devices.count"), b.getInt("run.grad-accum-steps"),
                b.getInt("data.max-seq-len"), b.getInt("data.val-batch-tokens"), b.getString("data.tokenizer"));
    }
}
