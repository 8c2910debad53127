package dev.baton.launcher.golf;

import dev.baton.runtime.golf.artifact.Codec;
import dev.baton.runtime.golf.artifact.CodeBytes;
import dev.baton.runtime.golf.artifact.GolfArtifact;
import dev.baton.runtime.golf.artifact.QuantPolicy;
import dev.baton.runtime.golf.artifact.SizeReport;
import dev.baton.runtime.golf.artifact.StateTensor;
import dev.baton.runtime.golf.artifact.StoredTensor;
import dev.baton.runtime.model.golf.GolfGpt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A golf model state into the 16 MB artifact as the baseline makes it (per-row int8 with the
 * percentile clip for large matrices, fp16/fp32 passthrough for small and control tensors), then
 * compressed, written atomically, and measured against the budget with the counted code.
 */
final class GolfArtifactExport {
    private GolfArtifactExport() {
    }

    /** What was written: the size report and a line describing the quantised tensors. */
    record Result(Path file, SizeReport size, String tensors) {
    }

    static Result write(List<StateTensor> state, Codec codec, Path file) {
        List<StoredTensor> stored = GolfArtifact.quantize(state, QuantPolicy.baseline());
        long rows = stored.stream().filter(t -> t instanceof StoredTensor.Int8PerRow).count();
        long perTensor = stored.stream().filter(t -> t instanceof StoredTensor.Int8PerTensor).count();
        long fp16 = stored.stream().filter(t -> t instanceof StoredTensor.Fp16).count();
        long fp32 = stored.stream().filter(t -> t instanceof StoredTensor.Fp32).count();
        long data = stored.stream().mapToLong(StoredTensor::dataBytes).sum();
        long size;
        try {
            size = GolfArtifact.write(file, stored, codec);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the artifact " + file + ": " + e.getMessage(), e);
        }
        SizeReport report = new SizeReport(codec, size, CodeBytes.ofPackages(GolfGpt.class, CodeBytes.EVAL_PATH));
        String tensors = String.format(Locale.ROOT, "%d tensors: %d int8 per row, %d int8 per tensor, %d fp16, %d fp32;"
                + " %,d bytes of tensor data before compression", stored.size(), rows, perTensor, fp16, fp32, data);
        return new Result(file, report, tensors);
    }
}
