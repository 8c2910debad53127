package dev.baton.runtime.model;

import dev.baton.runtime.data.Batch;
import dev.baton.runtime.ops.cpu.CpuOps;
import dev.baton.runtime.param.ParamSet;

import java.util.Random;

/**
 * Benchmark, not a test: prints the CPU time of one forward+backward of record-small at T = 256 and
 * of a tiny config. Run with
 * {@code java --add-modules=jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes
 * dev.baton.runtime.model.GptStepBenchmark [threads]}.
 */
public final class GptStepBenchmark {
    private GptStepBenchmark() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        try (CpuOps ops = new CpuOps(threads)) {
            System.out.println("CpuOps with " + threads + " threads");
            ForwardSchedule first = new ForwardSchedule(new float[] {1f, 0.5f, 0.25f}, 1, 3);
            run(ops, "record-small T=256", GptConfig.recordSmall(), 256, 16, first);
            // the tiny-cpu profile: record layout, d = 64, byte260 vocabulary padded to 384, block 16
            GptConfig tiny = GptConfig.standard(GptConfig.paddedVocab(260), LayerLayout.record(), 64, 4, 16)
                    .withBlockSize(16);
            run(ops, "tiny-cpu T=1024 ws(1,3)", tiny, 1024, 300, new ForwardSchedule(new float[] {1f, 0.5f, 0.25f}, 1, 3));
            run(ops, "tiny-cpu T=1024 ws(6,13)", tiny, 1024, 300, new ForwardSchedule(new float[] {1f}, 6, 13));
            GptConfig micro = GptConfig.standard(128, LayerLayout.micro(), 16, 2, 8).withBlockSize(4);
            run(ops, "micro (4 layers, d=16, V=128) T=64", micro, 64, 4, first);
        }
    }

    private static void run(CpuOps ops, String name, GptConfig config, int tokens, int docLength,
                            ForwardSchedule schedule) {
        Random r = new Random(1);
        int[] in = new int[tokens];
        int[] tg = new int[tokens];
        for (int i = 0; i < tokens; i++) {
            in[i] = r.nextInt(config.vocabSize());
            tg[i] = r.nextInt(config.vocabSize());
        }
        int docs = (tokens + docLength - 1) / docLength;
        int[] cu = new int[docs + 1];
        for (int d = 1; d <= docs; d++) {
            cu[d] = Math.min(tokens, d * docLength);
        }
        Batch batch = new Batch(in, tg, cu);
        try (ParamSet params = GptParams.create(ops, config, 1234); Gpt gpt = new Gpt(ops, config, params, tokens)) {
            int warm = 3;
            int reps = 5;
            for (int i = 0; i < warm; i++) {
                gpt.forward(batch, schedule);
                gpt.backward(1f);
            }
            long f = 0;
            long b = 0;
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                gpt.forward(batch, schedule);
                long t1 = System.nanoTime();
                gpt.backward(1f);
                long t2 = System.nanoTime();
                f += t1 - t0;
                b += t2 - t1;
            }
            double ms = (f + b) / 1e6 / reps;
            System.out.printf("%-32s forward %8.1f ms  backward %8.1f ms  total %8.1f ms  %8.0f tokens/s%n", name,
                    f / 1e6 / reps, b / 1e6 / reps, ms, tokens / (ms / 1000));
        }
    }
}
