package dev.baton.launcher.bench;

import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.ops.ProfilingOps;
import dev.baton.kernels.optim.CudaOptimizerKernels;
import dev.baton.kernels.optim.ProfilingOptimizerKernels;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.model.ForwardSchedule;
import dev.baton.runtime.model.Gpt;
import dev.baton.runtime.model.GptParams;
import dev.baton.runtime.optim.NorMuonAndAdam;
import dev.baton.runtime.optim.ShardAssignment;
import dev.baton.runtime.param.ParamSet;
import dev.baton.runtime.schedule.YarnTransition;

import java.util.ArrayList;
import java.util.List;

/**
 * The record's training step on one GPU driven directly, without the actors: {@link Gpt} and
 * {@link NorMuonAndAdam} on one {@link CudaOps}, gradient accumulation over the phase's
 * micro-batches, then the optimizer step (Adam on odd steps, as the record). Everything is built
 * over a {@link ProfilingOps} whose timing stays off except in {@link #profile()}, so the timed
 * steps carry no profiling cost. Owns the backend and everything on it.
 */
final class DirectBench implements AutoCloseable {
    private final CudaOps cuda;
    private final ProfilingOps ops;
    private final CudaOptimizerKernels kernels;
    private final ParamSet params;
    private final Gpt gpt;
    private final NorMuonAndAdam optimizer;
    private final BenchPhase phase;
    private final ForwardSchedule forward;
    private final Batch[] pool;
    private final MemoryWatermark memory;
    private double lastLoss;

    DirectBench(BenchModel m, BenchPhase phase, Batch[] pool) {
        this.cuda = CudaOps.open(0);
        this.memory = new MemoryWatermark(cuda.device());
        memory.sample();
        this.ops = new ProfilingOps(cuda);
        ops.setEnabled(false);
        this.kernels = new CudaOptimizerKernels(cuda);
        this.params = GptParams.create(ops, m.model(), m.seed());
        this.gpt = new Gpt(ops, m.model(), params, phase.microTokens());
        for (YarnTransition t : phase.yarn()) {
            gpt.applyWindowChange(t.oldLongBlocks(), t.newLongBlocks());
        }
        this.optimizer = new NorMuonAndAdam(m.table(), params, ops, new ProfilingOptimizerKernels(ops, kernels), m.adam(),
                m.normuon(), ShardAssignment.single(), m.schedule().splitStep());
        if (!phase.tied()) {
            optimizer.untieLocal();
        }
        this.phase = phase;
        this.forward = phase.forward();
        this.pool = pool.clone();
        cuda.synchronize();
        memory.sample();
    }

    CudaOps cuda() {
        return cuda;
    }

    MemoryWatermark memory() {
        return memory;
    }

    /** Mean training loss per token of the last step (MTP-weighted), a sanity figure. */
    double lastLoss() {
        return lastLoss;
    }

    /** {@code warmup} then {@code steps} whole steps, each timed on the host around a synchronised step. */
    StepTimes run(int warmup, int steps) {
        List<Double> w = new ArrayList<>();
        List<Double> t = new ArrayList<>();
        for (int i = 0; i < warmup + steps; i++) {
            (i < warmup ? w : t).add(step(i));
            memory.sample();
        }
        return new StepTimes(w, t);
    }

    private double step(int i) {
        int s = phase.step() + i;
        cuda.synchronize();
        long t0 = System.nanoTime();
        double loss = 0;
        long tokens = 0;
        for (int j = 0; j < phase.gradAccum(); j++) {
            Batch b = pool[(i * phase.gradAccum() + j) % pool.length];
            loss += ops.download(gpt.forward(b, forward))[0];
            gpt.backward(1f / phase.gradAccum());
            tokens += b.length();
        }
        optimizer.step(s, phase.lrFactor(), phase.momentum(), s % 2 == 1);
        cuda.synchronize();
        lastLoss = loss / tokens;
        return (System.nanoTime() - t0) / 1e6;
    }

    /** Device time per operation of one micro-batch's forward and backward and one optimizer step with Adam. */
    List<ProfilingOps.OpTime> profile() {
        cuda.synchronize();
        ops.reset();
        ops.setEnabled(true);
        try {
            gpt.forward(pool[0], forward);
            gpt.backward(1f / phase.gradAccum());
            int s = phase.step() | 1;
            optimizer.step(s, phase.lrFactor(), phase.momentum(), true);
            return ops.report();
        } finally {
            ops.setEnabled(false);
            ops.reset();
        }
    }

    @Override
    public void close() {
        cuda.synchronize();
        optimizer.close();
        gpt.close();
        params.close();
        kernels.close();
        ops.close();
        cuda.close();
    }
}
