package dev.baton.launcher.golf;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ResolvedConfig;
import dev.baton.launcher.ExitCodes;
import dev.baton.runtime.golf.GolfWeights;
import dev.baton.runtime.golf.artifact.Codec;
import dev.baton.runtime.golf.artifact.StateTensor;
import dev.baton.runtime.model.golf.GolfParams;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code baton export --golf CHECKPOINT}: the checkpoint's weights (their average when
 * {@code baton.golf.ema-decay} is set) into the golf artifact, with the size report against
 * 16,000,000 bytes.
 */
public final class GolfExportRun {
    private GolfExportRun() {
    }

    /**
     * @param codecName zlib, xz or brotli, or null for {@code baton.golf.export.codec}
     * @param out       the artifact file, or null for {@code model.int8.<codec>.ptz} beside the weights
     */
    public static int run(ResolvedConfig config, Path checkpoint, String codecName, Path output, PrintWriter out) {
        GolfSettings golf = GolfSettings.of(config.settings());
        Codec codec = golf.codec();
        if (codecName != null) {
            codec = Codec.ofLabel(codecName);
            if (codec == null) {
                throw new BatonConfigException("--codec " + codecName + " is not one of zlib, xz, brotli");
            }
        }
        if (!codec.available()) {
            throw new BatonConfigException("cannot compress with " + codec.label() + ": " + codec.unavailableReason());
        }
        Path file = GolfWeights.resolve(checkpoint);
        boolean ema = golf.emaDecay() > 0;
        List<StateTensor> state = GolfWeights.read(file, golf.model(), ema);
        Path target = output != null ? output
                : file.toAbsolutePath().getParent().resolve("model.int8." + codec.label() + ".ptz");
        GolfArtifactExport.Result r = GolfArtifactExport.write(state, codec, target);
        out.println(String.format(Locale.ROOT, "golf model %d x %d (%,d params): %s of %s", golf.model().numLayers(),
                golf.model().modelDim(), GolfParams.count(golf.model()), ema ? "weight average" : "weights", file));
        out.println("quantised: " + r.tensors());
        out.println("wrote " + r.file());
        out.println(r.size().describe());
        return ExitCodes.OK;
    }
}
