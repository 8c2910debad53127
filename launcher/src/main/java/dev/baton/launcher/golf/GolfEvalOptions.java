package dev.baton.launcher.golf;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ResolvedConfig;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The golf options of {@code baton eval} (a mixin, so that the command's plain-loss evaluation
 * stays its own): {@code --metric bpb}, {@code --stride}, {@code --artifact}, {@code --max-tokens}.
 * The checkpoint is the command's {@code --checkpoint}.
 */
public final class GolfEvalOptions {
    @Option(names = "--metric", paramLabel = "METRIC",
            description = "loss (the mean cross-entropy) or bpb: parameter golf's val_loss and val_bpb (float64 sums "
                    + "over every validation token, bytes by the tokenizer's byte tables).")
    String metric;

    @Option(names = "--stride", paramLabel = "TOKENS",
            description = "bpb: sliding windows of the sequence length starting every TOKENS tokens, each scoring only "
                    + "its new tokens (the records use 64); 0 = non-overlapping sequences (default: baton.golf.eval.stride).")
    Integer stride;

    @Option(names = "--artifact", paramLabel = "FILE",
            description = "bpb of a golf artifact (from `baton export --golf`) after the compress-and-reload round trip.")
    Path artifact;

    @Option(names = "--max-tokens", paramLabel = "N",
            description = "bpb: evaluate only the first N validation tokens (default: baton.golf.eval.max-tokens; 0 = all).")
    Long maxTokens;

    /** True when the golf evaluation is asked for (--metric bpb or --artifact). */
    public boolean requested() {
        if (metric != null && !metric.equals("bpb") && !metric.equals("loss")) {
            throw new BatonConfigException("--metric " + metric + " is not one of loss, bpb");
        }
        return "bpb".equals(metric) || artifact != null;
    }

    /**
     * Runs the golf evaluation of {@code checkpoint} (a golf weights file or checkpoint folder; null
     * with --artifact); returns the exit code.
     */
    public int run(ResolvedConfig config, Path checkpoint, PrintWriter out) {
        return GolfEvalRun.run(config, checkpoint, artifact, stride, maxTokens, out);
    }
}
