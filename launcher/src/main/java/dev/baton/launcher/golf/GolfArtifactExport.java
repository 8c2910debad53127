package dev.baton.launcher.golf;

import dev.baton.runtime.golf.artifact.Codec;
import dev.baton.runtime.golf.artifact.CodeBytes;
import dev.baton.runtime.golf.artifact.GolfArtifact;
import dev.baton.runtime.golf.artifact.QuantPolicy;
import dev.baton.runtime.golf.artifact.SizeReport;
import dev.baton.runtime.golf.artifact.StateTensor;
import dev.baton.runtime.golf.artifact.StoredTensor;
import dev.baton.runtime.golf.quant.GptqConfig;
import dev.baton.runtime.golf.quant.GptqQuantizer;
import dev.baton.runtime.model.golf.GolfGpt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A golf model state into the 16 MB artifact as the baseline makes it (per-row int8 with the
 * percentile clip for large matrices, fp16/fp32 passthrough for small and control tensors) or as
 * the records do (GPTQ int6/int8, format version 2), then compressed, written atomically, and
 * measured against the budget with the counted code.
 */
final class GolfArtifactExport {
    private GolfArtifactExport() {
    }

    /** What was written: the size report and a line describing the quantised tensors. */
    record Result(Path file, SizeReport size, String tensors) {
    }

    static Result write(List<StateTensor> state, Codec codec, Path file) {
        return write(GolfArtifact.quantize(state, QuantPolicy.baseline()), codec, -1, file);
    }

    /**
     * GPTQ int6 (format version 2, byte-shuffled as configured) with the calibration Hessians
     * ({@link GolfCalibration}); matrices without one are rounded to nearest on the same grid.
     */
    static Result writeGptq(List<StateTensor> state, Map<String, double[]> hessians, GptqConfig gptq, Codec codec,
                            Path file) {
        return write(GptqQuantizer.quantize(state, hessians, gptq), codec, gptq.shuffleStride(), file);
    }

    /** @param shuffleStride -1 for the version-1 (int8) format, else the version-2 payload shuffle */
    private static Result write(List<StoredTensor> stored, Codec codec, int shuffleStride, Path file) {
        long int6 = stored.stream().filter(t -> t instanceof StoredTensor.Int6PerRow).count();
        long rows = stored.stream().filter(t -> t instanceof StoredTensor.Int8PerRow).count();
        long perTensor = stored.stream().filter(t -> t instanceof StoredTensor.Int8PerTensor).count();
        long fp16 = stored.stream().filter(t -> t instanceof StoredTensor.Fp16).count();
        long fp32 = stored.stream().filter(t -> t instanceof StoredTensor.Fp32).count();
        long data = stored.stream().mapToLong(StoredTensor::dataBytes).sum();
        long size;
        try {
            size = shuffleStride < 0 ? GolfArtifact.write(file, stored, codec)
                    : GolfArtifact.write(file, stored, codec, shuffleStride);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the artifact " + file + ": " + e.getMessage(), e);
        }
        SizeReport report = new SizeReport(codec, size, CodeBytes.ofPackages(GolfGpt.class, CodeBytes.EVAL_PATH));
        String tensors = String.format(Locale.ROOT, "%d tensors: %s%d int8 per row, %d int8 per tensor, %d fp16, %d fp32;"
                        + " %,d bytes of tensor data before compression%s", stored.size(),
                int6 > 0 ? int6 + " int6 per row (bit-packed), " : "", rows, perTensor, fp16, fp32, data,
                shuffleStride > 1 ? ", byte-shuffled (stride " + shuffleStride + ")" : "");
        return new Result(file, report, tensors);
    }
}
