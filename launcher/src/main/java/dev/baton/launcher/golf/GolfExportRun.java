package dev.baton.launcher.golf;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.ResolvedConfig;
import dev.baton.launcher.ExitCodes;
import dev.baton.runtime.golf.GolfWeights;
import dev.baton.runtime.golf.artifact.Codec;
import dev.baton.runtime.golf.artifact.StateTensor;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.model.golf.GolfParams;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.ParamSet;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code baton export --golf CHECKPOINT}: the checkpoint's weights (their average when
 * {@code baton.golf.ema-decay} is set) into the golf artifact, with the size report against
 * 16,000,000 bytes; with {@code gptq-int6} the model first runs over training batches to calibrate
 * GPTQ.
 */
public final class GolfExportRun {
    private GolfExportRun() {
    }

    /**
     * @param codecName zlib, xz or brotli, or null for {@code baton.golf.export.codec}
     * @param quantName int8 or gptq-int6, or null for {@code baton.golf.export.quant}
     * @param output    the artifact file, or null for {@code model.<int8|int6>.<codec>.ptz} beside the weights
     */
    public static int run(ResolvedConfig config, Path checkpoint, String codecName, String quantName, Path output,
                          PrintWriter out) {
        GolfSettings golf = GolfSettings.of(config.settings());
        GolfQuantSettings quant = GolfQuantSettings.of(config.settings()).withQuant(quantName);
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
        Path target = output != null ? output : file.toAbsolutePath().getParent()
                .resolve("model." + quant.quant().bitsTag() + "." + codec.label() + ".ptz");
        out.println(String.format(Locale.ROOT, "golf model %d x %d (%,d params): %s of %s", golf.model().numLayers(),
                golf.model().modelDim(), GolfParams.count(golf.model()), ema ? "weight average" : "weights", file));
        GolfArtifactExport.Result r;
        if (quant.quant() == GolfQuantSettings.Quant.INT8) {
            r = GolfArtifactExport.write(state, codec, target);
        } else {
            GolfData data = GolfData.resolve(config.settings(), golf);
            Map<String, double[]> hessians;
            try (CpuOps ops = new CpuOps(golf.threads()); ParamSet params = GolfParams.allocate(ops, golf.model());
                 GolfGpt gpt = new GolfGpt(ops, golf.model(), params, golf.seqLen(), golf.microBatchTokens())) {
                GolfWeights.load(state, params, ops);
                hessians = GolfCalibration.hessians(ops, gpt, data.shards().train(), golf.microBatchTokens(),
                        quant.gptq().calibrationBatches());
            }
            out.println(String.format(Locale.ROOT, "GPTQ calibration: %d batches of %,d training tokens",
                    quant.gptq().calibrationBatches(), golf.microBatchTokens()));
            r = GolfArtifactExport.writeGptq(state, hessians, quant.gptq(), codec, target);
        }
        out.println("quantised (" + quant.quant().label() + "): " + r.tensors());
        out.println("wrote " + r.file());
        out.println(r.size().describe());
        return ExitCodes.OK;
    }
}
