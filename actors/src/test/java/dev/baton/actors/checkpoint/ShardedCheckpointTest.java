package dev.baton.actors.checkpoint;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ParamShards;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardRange;
import dev.baton.actors.standin.StandInConfig;
import dev.baton.actors.standin.StandInFactory;
import dev.baton.actors.standin.StandInWork;
import dev.baton.actors.work.OptimizerState;
import dev.baton.runtime.checkpoint.CheckpointException;
import dev.baton.runtime.checkpoint.CheckpointIndex;
import dev.baton.runtime.checkpoint.ModelFingerprint;
import dev.baton.runtime.checkpoint.SafeTensorsFile;
import dev.baton.runtime.ops.cpu.CpuTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One rank's part of a checkpoint: optimizer state written by 3 ranks reassembles for 2 and 4 (new
 * padding at zero), the weights stand by name in their single-device shapes whatever W wrote them,
 * and a checkpoint of another model is refused naming the parameter and both shapes.
 */
class ShardedCheckpointTest {
    static final StandInConfig C = StandInConfig.small();

    /** Value of state element {@code i} (global unit-major index) of state {@code name} of {@code param}. */
    static float stateValue(String param, String name, long i) {
        return param.hashCode() % 97 + name.length() * 1000 + i * 0.5f;
    }

    /** Works of every rank with each sharded state element set to its global value. */
    static List<StandInWork> works(int world) {
        StandInFactory f = new StandInFactory(C);
        ShardPlan plan = ShardPlan.of(f.layouts(world), world);
        List<StandInWork> out = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            StandInWork w = (StandInWork) f.create(r, plan);
            for (ParamShards s : plan.params().values()) {
                ShardRange owned = s.owned(r);
                for (OptimizerState st : w.optimizerState(s.name())) {
                    float[] a = ((CpuTensor) st.tensor()).floats();
                    long perUnit = owned.isEmpty() ? 0 : a.length / owned.count();
                    for (int i = 0; i < a.length; i++) {
                        a[i] = stateValue(s.name(), st.name(), st.sharded() ? owned.start() * perUnit + i : i);
                    }
                }
                w.restoreScalarState(Map.of("t.rows", 17.0, "t.lm_head", 5.0));
            }
            out.add(w);
        }
        return out;
    }

    private static WeightsLayout weights() {
        return WeightsLayout.of(StandInFactory.table(), new StandInFactory(C).layouts(1));
    }

    private static Path save(Path dir, int world) {
        List<StandInWork> ws = works(world);
        ShardPlan plan = ShardPlan.of(new StandInFactory(C).layouts(world), world);
        for (int r = 0; r < world; r++) {
            RankCheckpoint.save(dir, r, plan, weights(), ws.get(r), 9);
        }
        new CheckpointIndex(9, world, RankCheckpoint.params(plan), Map.of("cursor", 9L), 0, 0, false, ModelFingerprint.NONE)
                .write(dir);
        return dir;
    }

    @Test
    void stateWrittenAtThreeRanksIsReshardedForTwoAndFour(@TempDir Path dir) {
        save(dir, 3);
        CheckpointIndex index = CheckpointIndex.read(dir);
        assertEquals(9, index.nextStep());
        assertEquals(3, index.world());
        assertEquals(Map.of("cursor", 9L), index.data());
        for (int world : new int[] {2, 4}) {
            StandInFactory f = new StandInFactory(C);
            ShardPlan plan = ShardPlan.of(f.layouts(world), world);
            for (int r = 0; r < world; r++) {
                StandInWork w = (StandInWork) f.create(r, plan);
                RankCheckpoint.load(dir, index, r, plan, weights(), w);
                for (ParamShards s : plan.params().values()) {
                    ShardRange owned = s.owned(r);
                    int oldUnits = index.param(s.name(), dir).units();
                    for (OptimizerState st : w.optimizerState(s.name())) {
                        float[] got = ((CpuTensor) st.tensor()).floats();
                        long perUnit = owned.isEmpty() ? 0 : got.length / owned.count();
                        for (int i = 0; i < got.length; i++) {
                            long global = st.sharded() ? owned.start() * perUnit + i : i;
                            boolean newPadding = st.sharded() && global / perUnit >= oldUnits;
                            float want = newPadding ? 0f : stateValue(s.name(), st.name(), global);
                            assertEquals(want, got[i], "W=3 -> W=" + world + " rank " + r + " " + s.name() + "/" + st.name() + "[" + i + "]");
                        }
                    }
                }
                assertEquals(17.0, w.scalarState().get("t.rows"));
                assertEquals(5.0, w.scalarState().get("t.lm_head"));
                assertArrayEquals(works(3).get(0).used("bank"), w.used("bank"), "used bank matrices come from the checkpoint");
                if (world == 4) {
                    assertEquals(8, plan.param("bank").layout().units(), "W=4 pads the bank to 8 matrices (6 at W=3)");
                }
            }
        }
    }

    @Test
    void theWeightsFileHoldsEveryParameterByNameInItsSingleDeviceShapeWhateverW(@TempDir Path dir) {
        save(dir, 4);
        StandInFactory one = new StandInFactory(C);
        try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve(CheckpointIndex.WEIGHTS))) {
            for (ParamLayout l : one.layouts(1)) {
                assertArrayEquals(l.shape().dims(), f.entry(l.name()).shape(), l.name() + " in its W = 1 shape");
            }
            assertEquals("9", f.metadata().get("next_step"));
        }
        assertEquals(8, ShardPlan.of(one.layouts(4), 4).param("bank").layout().units(), "padded further at W = 4");
        assertEquals(6, ShardPlan.of(one.layouts(1), 1).param("bank").layout().units(), "6 matrices in the file");
    }

    @Test
    void aCheckpointOfAnotherModelIsRefusedNamingTheParameter(@TempDir Path dir) {
        save(dir, 2);
        StandInConfig other = new StandInConfig(C.bankLayers(), C.bankRows(), C.bankCols(), C.wideMatrices(), C.wideSize(),
                C.rows() + 2, C.rowCols(), C.replicated(), C.dim(), C.vocab(), 0, 0, -1, -1);
        StandInFactory f = new StandInFactory(other);
        ShardPlan plan = ShardPlan.of(f.layouts(2), 2);
        WeightsLayout layout = WeightsLayout.of(StandInFactory.table(), f.layouts(1));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> RankCheckpoint.load(dir, CheckpointIndex.read(dir), 0, plan, layout, f.create(0, plan)));
        assertTrue(e.getMessage().contains("'rows'") && e.getMessage().contains("(12, 5)"), e.getMessage());
    }
}
