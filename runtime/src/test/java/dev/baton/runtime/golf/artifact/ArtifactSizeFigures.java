package dev.baton.runtime.golf.artifact;

import java.util.List;
import java.util.Locale;

/**
 * Prints artifact sizes and codec times for a synthetic state at the baseline's shapes (a figure,
 * not a test). Run: {@code java -cp <test and main classes + deps> ...ArtifactSizeFigures [layers d vocab std]}.
 */
public final class ArtifactSizeFigures {
    private ArtifactSizeFigures() {
    }

    public static void main(String[] args) {
        int layers = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 512;
        int vocab = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        double std = args.length > 3 ? Double.parseDouble(args[3]) : 0.25;
        long t0 = System.nanoTime();
        List<StateTensor> state = SyntheticState.golf(layers, d, vocab, std, 1234);
        long params = state.stream().mapToLong(StateTensor::numel).sum();
        long t1 = System.nanoTime();
        List<StoredTensor> stored = GolfArtifact.quantize(state, QuantPolicy.baseline());
        long t2 = System.nanoTime();
        long data = stored.stream().mapToLong(StoredTensor::dataBytes).sum();
        System.out.printf(Locale.ROOT, "state: %d layers, d=%d, vocab=%d, std=%.2f: %,d params (%,d fp32 bytes); "
                        + "stored data %,d bytes; generate %.1f s, quantize %.1f s%n", layers, d, vocab, std, params,
                4 * params, data, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        CodeBytes code = CodeBytes.ofPackages(GolfArtifact.class, CodeBytes.EVAL_PATH);
        for (Codec codec : Codec.values()) {
            if (!codec.available()) {
                System.out.println(codec.label() + ": unavailable: " + codec.unavailableReason());
                continue;
            }
            long a = System.nanoTime();
            byte[] file = GolfArtifact.encode(stored, codec);
            long b = System.nanoTime();
            GolfArtifact.decode(file, "memory");
            long c = System.nanoTime();
            System.out.printf(Locale.ROOT, "%-6s %,12d bytes (%.3f bytes/param)  compress %.1f s  decompress+check %.2f s%n",
                    codec.label(), file.length, file.length / (double) params, (b - a) / 1e9, (c - b) / 1e9);
            System.out.println("       " + new SizeReport(codec, file.length, code).describe());
        }
    }
}
