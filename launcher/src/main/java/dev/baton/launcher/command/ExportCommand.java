package dev.baton.launcher.command;

import dev.baton.launcher.golf.GolfExportRun;
import dev.baton.launcher.options.ConfigOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code baton export --golf CHECKPOINT}: writes a golf model as the parameter-golf artifact
 * (int8 per row + fp16/fp32 passthrough, compressed) and reports its size against 16,000,000 bytes.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Exports a trained model. --golf CHECKPOINT: the parameter-golf artifact (baseline int8 "
                + "quantisation, compressed) with the size report against 16,000,000 bytes.")
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--golf", paramLabel = "CHECKPOINT", required = true,
            description = "The golf weights file or checkpoint folder to export (its weight average when "
                    + "baton.golf.ema-decay is set).")
    Path checkpoint;

    @Option(names = "--codec", paramLabel = "CODEC",
            description = "zlib (level 9, the baseline's), xz (LZMA2 -9e) or brotli (quality 11) "
                    + "(default: baton.golf.export.codec).")
    String codec;

    @Option(names = "--quant", paramLabel = "QUANT",
            description = "int8 (the baseline's per-row int8) or gptq-int6 (GPTQ calibrated on training tokens: int6 "
                    + "matrices, int8 embedding, bit-packed, byte-shuffled) (default: baton.golf.export.quant).")
    String quant;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "Where to write the artifact (default: model.<int8|int6>.<codec>.ptz beside the weights).")
    Path out;

    @Override
    public Integer call() {
        return GolfExportRun.run(config.load(), checkpoint, codec, quant, out, spec.commandLine().getOut());
    }
}
