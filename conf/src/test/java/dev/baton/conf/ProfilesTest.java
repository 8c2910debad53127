package dev.baton.conf;

import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every profile loads, and its numbers fit together (the rules the trainer will rely on). */
class ProfilesTest {
    private final ConfigLoader loader = ConfigLoader.fromClasspath();

    @Test
    void indexListsTheFourProfilesWithTinyCpuAsDefault() {
        assertEquals(List.of("tiny-cpu", "speedrun-8xh100", "speedrun-1gpu", "cluster", "golf-baseline", "golf-tiny"),
                loader.profiles().names());
        assertEquals("tiny-cpu", loader.profiles().defaultName());
        loader.profiles().profiles().forEach(p -> assertTrue(p.summary().length() > 10, p.name()));
    }

    @Test
    void everyProfileIsConsistent() {
        for (String name : loader.profiles().names()) {
            Config c = loader.load(ConfigRequest.profile(name)).baton();
            if (c.getString("model.family").equals("golf")) {
                continue;   // the golf family's own rules: everyGolfProfileIsConsistent
            }
            int layers = c.getInt("model.num-layers");
            assertEquals(c.getInt("model.model-dim"), c.getInt("model.num-heads") * c.getInt("model.head-dim"), name);
            assertEquals(0, c.getInt("model.num-heads") % 2, name + ": paired heads need an even head count");
            assertEquals(0, c.getInt("model.head-dim") % 4, name);
            assertEquals(layers, c.getIntList("model.layout.value-embeddings").size(), name);
            assertEquals(c.getIntList("model.layout.skip-in").size(), c.getIntList("model.layout.skip-out").size(), name);
            for (String list : List.of("attention-less-layers", "paired-head-layers", "long-window-layers",
                    "key-offset-layers", "skip-in", "skip-out")) {
                c.getIntList("model.layout." + list).forEach(i -> assertTrue(i >= 0 && i < layers, name + " " + list));
            }
            int phases = c.getList("optim.schedule.batch-tokens").size();
            assertEquals(phases, c.getList("optim.schedule.lr-max").size(), name);
            assertEquals(phases, c.getList("optim.schedule.window-blocks").size(), name);
            assertEquals(phases, c.getList("optim.schedule.mtp-weights").size(), name);

            Set<String> labels = c.getObject("optim.param-table").keySet();
            assertEquals(labels, new HashSet<>(c.getStringList("optim.scatter-order")), name);
            assertEquals(labels.size(), c.getStringList("optim.scatter-order").size(), name);
            assertEquals(labels, new HashSet<>(c.getStringList("optim.work-order")), name);
            assertEquals(labels.size(), c.getStringList("optim.work-order").size(), name);

            int world = c.getInt("cluster.nodes") * c.getInt("devices.count");
            int accum = c.getInt("run.grad-accum-steps");
            int derived = accum > 0 ? accum : (8 % world == 0 ? 8 / world : 1);
            List<Integer> batches = c.getIntList("optim.schedule.batch-tokens");
            for (int tokens : batches) {
                assertEquals(0, tokens % (world * derived), name + ": batch " + tokens + " over " + world + "x" + derived);
            }
            assertEquals(0, c.getInt("data.val-tokens") % c.getInt("data.val-batch-tokens"), name);
            assertEquals(0, c.getInt("data.val-batch-tokens") % world, name);
            assertTrue(c.getInt("data.max-seq-len") > c.getInt("optim.schedule.validate-window-blocks") * c.getInt("model.block-size")
                    || name.startsWith("speedrun"), name + ": windows cut inside a sequence");
        }
    }

    @Test
    void everyGolfProfileIsConsistent() {
        int golf = 0;
        for (String name : loader.profiles().names()) {
            Config c = loader.load(ConfigRequest.profile(name)).baton();
            if (!c.getString("model.family").equals("golf")) {
                continue;
            }
            golf++;
            int heads = c.getInt("model.num-heads");
            int headDim = c.getInt("model.head-dim");
            assertEquals(c.getInt("model.model-dim"), heads * headDim, name);
            assertEquals(0, headDim % 2, name + ": RoPE rotates pairs");
            assertEquals(0, heads % c.getInt("golf.model.num-kv-heads"), name + ": query heads share K/V heads evenly");
            int world = c.getInt("cluster.nodes") * c.getInt("devices.count");
            int accum = c.getInt("run.grad-accum-steps");
            int derived = accum > 0 ? accum : (8 % world == 0 ? 8 / world : 1);
            int seq = c.getInt("golf.train.seq-len");
            assertEquals(0, c.getInt("golf.train.tokens-per-step") % (world * derived * seq),
                    name + ": every micro-batch holds whole sequences");
            assertEquals(0, c.getInt("golf.eval.tokens-per-batch") % (world * seq), name);
            assertTrue(c.getDouble("golf.ema-decay") >= 0 && c.getDouble("golf.ema-decay") < 1, name);
        }
        assertEquals(2, golf);
    }

    @Test
    void golfBaselineIsTheChallengesBaseline() {
        Config c = loader.load(ConfigRequest.profile("golf-baseline")).baton();
        assertEquals(List.of(1024, 9, 512, 8, 4, 2), List.of(c.getInt("model.vocab-size"), c.getInt("model.num-layers"),
                c.getInt("model.model-dim"), c.getInt("model.num-heads"), c.getInt("golf.model.num-kv-heads"),
                c.getInt("model.mlp-ratio")));
        assertEquals(524_288, c.getInt("golf.train.tokens-per-step"));
        assertEquals(1024, c.getInt("golf.train.seq-len"));
        assertEquals(600.0, c.getDouble("golf.train.max-wallclock-seconds"), 0);
        assertEquals(1200, c.getInt("golf.train.warmdown-iters"));
        assertEquals(List.of(0.04, 0.04, 0.05, 0.95, 0.85), List.of(c.getDouble("golf.optim.matrix-lr"),
                c.getDouble("golf.optim.scalar-lr"), c.getDouble("golf.optim.tied-embed-lr"),
                c.getDouble("golf.optim.muon-momentum"), c.getDouble("golf.optim.muon-momentum-warmup-start")));
        assertTrue(c.getString("data.tokenizer").startsWith("sp:"));
        assertEquals("zlib", c.getString("golf.export.codec"));
    }

    @Test
    void referenceHoldsTheRecordsDerivedNumbers() {
        Config c = loader.load(ConfigRequest.profile("speedrun-8xh100")).baton();
        int vocab = c.getInt("model.vocab-size");
        int multiple = c.getInt("model.vocab-pad-multiple");
        assertEquals(50304, (vocab + multiple - 1) / multiple * multiple);
        assertEquals(3072, c.getInt("model.mlp-ratio") * c.getInt("model.model-dim"));
        int scheduled = c.getInt("optim.schedule.scheduled-steps");
        assertEquals(1151, (int) Math.ceil(c.getDouble("optim.schedule.untie-frac") * scheduled) | 1);
        assertEquals(1765, scheduled + c.getInt("optim.schedule.extension-steps"));
        assertEquals(1715, scheduled + c.getInt("optim.schedule.extension-steps") - c.getInt("optim.schedule.momentum-cooldown-steps"));
        assertEquals(List.of(0.5, 0.95), c.getDoubleList("optim.param-table.embed.adam-betas"));
        assertEquals(75.0, c.getDouble("optim.param-table.ve1.lr-mul"), 0.0);
        assertEquals(5, c.getInt("data.val-tokens") / c.getInt("data.val-batch-tokens"));
        assertEquals(8, c.getInt("devices.count"));
    }
}
