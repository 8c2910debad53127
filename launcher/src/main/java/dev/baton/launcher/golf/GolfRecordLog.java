package dev.baton.launcher.golf;

import dev.baton.runtime.model.golf.GolfArchitecture;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The log lines that say which of the 1.0752 record's switches (seed 001) a golf run has on. */
final class GolfRecordLog {
    private GolfRecordLog() {
    }

    /** One line per switch that is on; nothing for the baseline. */
    static List<String> describe(GolfSettings golf) {
        GolfArchitecture a = golf.model().arch();
        List<String> on = new ArrayList<>();
        if (a.leakySlope() > 0) {
            on.add(String.format(Locale.ROOT, "mlp: leaky_relu(%.2f)^2", a.leakySlope()));
        }
        if (golf.model().ropeDims() < golf.model().headDim()) {
            on.add("rope: partial, " + golf.model().ropeDims() + " of " + golf.model().headDim() + " head dims");
        }
        if (a.lnScale()) {
            on.add("ln_scale: 1/sqrt(layer+1)");
        }
        if (a.recurrent()) {
            on.add(String.format(Locale.ROOT, "depth_recurrence: layers %d..%d x%d from %.2f of training",
                    a.loopStart(), a.loopEnd(), a.loops() + 1, golf.recurrenceAt()));
        }
        if (a.parallelStart() > 0) {
            on.add("parallel_residuals: dual lanes from layer " + a.parallelStart());
        }
        if (golf.optimizer().rowNormalize()) {
            on.add(String.format(Locale.ROOT, "muon: row-normalised (MuonEq-R), momentum %.3f", golf.optimizer().momentum()));
        }
        if (golf.evalSeqLen() != golf.seqLen()) {
            on.add(String.format(Locale.ROOT, "eval: seq_len %d (train %d), rope base %.1f", golf.evalSeqLen(),
                    golf.seqLen(), golf.evalModel().ropeBase()));
        }
        return on;
    }
}
