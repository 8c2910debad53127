package dev.baton.launcher.command;

import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;
import dev.baton.conf.Settings;
import dev.baton.kernels.driver.CudaAvailability;
import dev.baton.launcher.Baton;
import dev.baton.launcher.bench.BenchModel;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.optim.AdamConfig;
import dev.baton.runtime.optim.NorMuonConfig;
import dev.baton.runtime.optim.ParamTable;
import dev.baton.runtime.schedule.ScheduleConfig;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code baton bench} without a GPU and with wrong arguments: one line on stderr, exit 2, nothing
 * run; with speedrun-1gpu it times the record.
 */
class BenchCommandTest {
    private record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\\R"));
        }
    }

    private static Run baton(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Baton.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertOneLine(Run run, String... fragments) {
        assertEquals(2, run.code(), run.err());
        assertEquals(1, run.errLines().size(), "one line on stderr: " + run.err());
        for (String f : fragments) {
            assertTrue(run.err().contains(f), "'" + f + "' in: " + run.err());
        }
        assertFalse(run.err().contains("Exception"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void withoutAGpuItSaysSoInOneLine() {
        assumeFalse(CudaAvailability.probe().available(), "this machine has a GPU: the benchmark would run");
        assertOneLine(baton("bench"), "baton bench: no CUDA device", "needs one NVIDIA GPU");
        assertOneLine(baton("bench", "--profile", "speedrun-1gpu", "--compare-pytorch"), "no CUDA device");
        // the golf path times GPU 0 whatever the profile's devices say (golf-baseline names 8)
        assertOneLine(baton("bench", "--profile", "golf-baseline", "--compare-pytorch"), "baton bench: no CUDA device");
        assertOneLine(baton("bench", "--via", "actors", "--gpus", "2", "--record", "x"), "no CUDA device");
        assertOneLine(baton("bench", "--phase", "all", "--via", "actors"), "no CUDA device");
        assertOneLine(baton("bench", "--collectives", "--max-bytes", "16M"), "baton bench: no CUDA device",
                "the collectives sweep needs one or more NVIDIA GPUs");
    }

    @Test
    void theGlobalBatchIsKeptAtAnyNumberOfGpus() {
        Settings one = ConfigLoader.fromClasspath().load(new ConfigRequest("speedrun-1gpu", null, Map.of(), List.of()))
                .settings();
        Settings eight = ConfigLoader.fromClasspath().load(new ConfigRequest("speedrun-8xh100", null, Map.of(), List.of()))
                .settings();
        assertEquals(8, BenchCommand.accumAt(one, 1));
        assertEquals(4, BenchCommand.accumAt(one, 2));
        assertEquals(1, BenchCommand.accumAt(one, 8));
        assertEquals(8, BenchCommand.accumAt(eight, 1), "the record's grad_accum_steps = 8 // world_size");
        assertEquals(2, BenchCommand.accumAt(eight, 4));
        assertEquals(List.of(0, 1, 2, 3), BenchCommand.parsePhases("all"));
        assertEquals(List.of(1), BenchCommand.parsePhases("1"));
    }

    @Test
    void wrongArgumentsAreOneLineErrors() {
        assertOneLine(baton("bench", "--phase", "7"), "--phase 7: must be 0, 1, 2, 3 or all");
        assertOneLine(baton("bench", "--phase", "most"), "--phase most: must be 0, 1, 2, 3 or all");
        assertOneLine(baton("bench", "--gpus", "2"), "--gpus 2: more than one GPU runs through the actors only",
                "add --via actors");
        assertOneLine(baton("bench", "--gpus", "0", "--via", "actors"), "--gpus 0: must be at least 1");
        assertOneLine(baton("bench", "--gpus", "3", "--via", "actors"), "--gpus 3: the configuration's 8 micro-batches",
                "use a divisor of 8");
        assertOneLine(baton("bench", "--phase", "all", "--compare-pytorch"), "compare one phase at a time");
        assertOneLine(baton("bench", "--collectives", "--max-bytes", "1000"), "--max-bytes 1000: must be a power of two");
        assertOneLine(baton("bench", "--collectives", "--iters", "0"), "--iters 0: must be at least 1");
        assertOneLine(baton("bench", "--via", "pigeon"), "--via pigeon: must be direct, actors or both");
        assertOneLine(baton("bench", "--profile", "tiny-cpu"), "profile tiny-cpu runs on 2 cpu device(s)",
                "use --profile speedrun-1gpu");
        assertOneLine(baton("bench", "--set", "baton.model.head-dim=100"), "baton.model.model-dim = 768",
                "must equal num-heads x head-dim");
    }

    @Test
    void speedrun1gpuIsTheRecordsModelOptimizerAndSchedule() {
        Settings s = ConfigLoader.fromClasspath().load(new ConfigRequest("speedrun-1gpu", null, Map.of(), List.of()))
                .settings();
        BenchModel m = BenchCommand.model(s, 2026);
        assertEquals(GptConfig.record(), m.model());
        assertEquals(ScheduleConfig.record(), m.schedule().config());
        assertEquals(AdamConfig.record(), m.adam());
        assertEquals(NorMuonConfig.record(), m.normuon());
        assertEquals(ParamTable.record().workOrder(), m.table().workOrder());
        assertEquals(2048, m.maxSeqLen());
        assertEquals(50256, m.bos(), "GPT-2's end-of-text opens every synthetic document");
        assertEquals(2026, m.seed());
    }
}
