package dev.baton.actors.worker;

import dev.baton.actors.collective.CollectiveOp;
import dev.baton.actors.collective.Communicator;
import dev.baton.actors.collective.ReduceOp;
import dev.baton.actors.plan.ParamShards;
import dev.baton.actors.plan.Partition;
import dev.baton.actors.plan.ShardPlan;
import dev.baton.actors.plan.ShardRange;
import dev.baton.actors.stream.CommandInfo;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.stream.Event;
import dev.baton.actors.stream.Stream;
import dev.baton.actors.work.DeviceWork;
import dev.baton.actors.work.OptimizerState;
import dev.baton.actors.work.StepContext;
import dev.baton.runtime.optim.EmbeddingTie;
import dev.baton.runtime.data.Batch;
import dev.baton.runtime.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Turns one step's commands into stream work on one device: which stream runs each command and
 * which events it waits for. Not an actor: the {@link DeviceWorker} calls it from its thread,
 * and it only enqueues.
 */
final class StepExecution {
    private final int rank;
    private final ShardPlan plan;
    private final DeviceWork work;
    private final Communicator comm;
    private final Stream compute;
    private final Stream commStream;
    private final EmbeddingTie tie;

    private StepContext ctx;
    private Event gradsReady;
    private final Map<String, Event> gradReady = new HashMap<>();
    private final Map<String, Event> collectiveDone = new HashMap<>();
    private final Map<String, Event> updateDone = new HashMap<>();
    private final Map<String, Event> gatherDone = new HashMap<>();
    private final Set<Event> awaitedByCompute = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Event> awaitedByComm = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile double loss;

    StepExecution(int rank, ShardPlan plan, DeviceWork work, Communicator comm, Stream compute, Stream commStream,
                  EmbeddingTie tie) {
        this.rank = rank;
        this.plan = plan;
        this.work = work;
        this.comm = comm;
        this.compute = compute;
        this.commStream = commStream;
        this.tie = tie;
    }

    long step() {
        return ctx == null ? -1 : ctx.step();
    }

    void begin(WorkerCommand.Step s) {
        ctx = s.ctx();
        gradReady.clear();
        collectiveDone.clear();
        updateDone.clear();
        gatherDone.clear();
        awaitedByCompute.clear();
        awaitedByComm.clear();
        // the forward reads weights that the previous step's all-gathers wrote
        await(compute, awaitedByCompute, commStream.record());
        float scale = 1f / s.microBatches().size();
        StepContext c = ctx;
        for (Batch b : s.microBatches()) {
            compute.enqueue(info(CommandKind.FORWARD_BACKWARD, ""), () -> work.forwardBackward(b, scale, c));
        }
        gradsReady = compute.record();
    }

    void apply(WorkerCommand command) {
        if (ctx == null) {
            throw new IllegalStateException("step command " + command + " outside a step");
        }
        if (command instanceof WorkerCommand.CombineTied) {
            compute.enqueue(info(CommandKind.COMBINE_TIED, requireTie().headLabel()), () -> work.combineTiedGradients(tie));
            gradReady.put(tie.headLabel(), compute.record());
        } else if (command instanceof WorkerCommand.LaunchCollective lc) {
            launch(lc.group());
        } else if (command instanceof WorkerCommand.RunUpdate u) {
            String p = u.param();
            await(compute, awaitedByCompute, required(collectiveDone, p, "collective"));
            ShardRange owned = plan.owned(p, rank);
            StepContext c = ctx;
            compute.enqueue(info(CommandKind.UPDATE, p), () -> work.update(p, owned, c));
            updateDone.put(p, compute.record());
        } else if (command instanceof WorkerCommand.Gather g) {
            String p = g.param();
            await(commStream, awaitedByComm, required(updateDone, p, "update"));
            ParamShards s = plan.param(p);
            comm.enqueue(commStream, ctx.step(), List.of(new CollectiveOp.AllGather(p, work.value(p), s.partition())));
            gatherDone.put(p, commStream.record());
        } else if (command instanceof WorkerCommand.SyncTied) {
            Event headGathered = gatherDone.get(requireTie().headLabel());
            await(compute, awaitedByCompute, headGathered != null ? headGathered : required(updateDone, tie.headLabel(), "update"));
            compute.enqueue(info(CommandKind.SYNC_TIED, tie.embedLabel()), () -> work.copyTiedWeights(tie));
        } else if (command instanceof WorkerCommand.Untie) {
            untie();
        } else if (command instanceof WorkerCommand.ClearGradients cg) {
            for (String p : cg.params()) {
                Event landed = collectiveDone.get(p);
                if (landed != null) {
                    await(compute, awaitedByCompute, landed);
                }
            }
            List<String> params = cg.params();
            compute.enqueue(info(CommandKind.CLEAR_GRADS, String.join("+", params)), () -> {
                for (String p : params) {
                    work.clearGradient(p);
                }
            });
        } else {
            throw new IllegalArgumentException("not a step command: " + command);
        }
    }

    /** Enqueues the loss read-out and returns a stage that completes with the loss once both streams drained. */
    CompletionStage<Double> finish() {
        compute.enqueue(info(CommandKind.LOSS, ""), () -> loss = work.takeLoss());
        CompletableFuture<Void> a = compute.record().completion().toCompletableFuture();
        CompletableFuture<Void> b = commStream.record().completion().toCompletableFuture();
        return CompletableFuture.allOf(a, b).thenApply(v -> loss);
    }

    private void launch(List<WorkerCommand.PlannedCollective> group) {
        List<CollectiveOp> ops = new ArrayList<>(group.size());
        for (WorkerCommand.PlannedCollective pc : group) {
            String p = pc.param();
            await(commStream, awaitedByComm, gradReady.getOrDefault(p, gradsReady));
            ParamShards s = plan.param(p);
            Tensor grad = work.gradient(p);
            if (pc.kind() == CommandKind.REDUCE_SCATTER && s.sharded()) {
                ops.add(new CollectiveOp.ReduceScatter(p, grad, s.partition(), ReduceOp.AVG));
            } else if (pc.kind() == CommandKind.ALL_REDUCE) {
                ops.add(new CollectiveOp.AllReduce(p, grad, ReduceOp.AVG));
            } else {
                throw new IllegalArgumentException("cannot launch " + pc.kind().wireName() + " for parameter '" + p
                        + "' (" + (s.sharded() ? "sharded" : "replicated") + ")");
            }
        }
        comm.enqueue(commStream, ctx.step(), ops);
        Event landed = commStream.record();
        for (WorkerCommand.PlannedCollective pc : group) {
            collectiveDone.put(pc.param(), landed);
        }
    }

    /**
     * The untie: the head's sharded state is copied into whole-size scratch buffers, all-gathered
     * in one launch, and handed to the work, which keeps the transposed rows it owns of the embedding.
     */
    private void untie() {
        EmbeddingTie pair = requireTie();
        ParamShards head = plan.param(pair.headLabel());
        ShardRange headOwned = head.owned(rank);
        await(compute, awaitedByCompute, required(updateDone, pair.headLabel(), "update"));
        Map<String, Tensor> whole = new LinkedHashMap<>();
        Map<String, Tensor> local = new LinkedHashMap<>();
        for (OptimizerState s : work.optimizerState(pair.headLabel())) {
            if (!s.sharded()) {
                continue;
            }
            int units = head.layout().units();
            whole.put(s.name(), work.ops().allocate(s.tensor().shape().withLeading(units), s.tensor().dtype()));
            local.put(s.name(), s.tensor());
        }
        compute.enqueue(info(CommandKind.UNTIE_PACK, pair.headLabel()), () -> {
            if (!headOwned.isEmpty()) {
                for (Map.Entry<String, Tensor> e : whole.entrySet()) {
                    work.ops().copy(e.getValue().narrow(headOwned.start(), headOwned.count()), local.get(e.getKey()));
                }
            }
        });
        Event packed = compute.record();
        List<CollectiveOp> ops = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : whole.entrySet()) {
            Tensor t = e.getValue();
            Partition part = new Partition(head.partition().ranges(), t.numel() / head.layout().units());
            ops.add(new CollectiveOp.AllGather(pair.headLabel() + "." + e.getKey(), t, part));
        }
        Event gathered = packed;
        if (!ops.isEmpty()) {
            await(commStream, awaitedByComm, packed);
            comm.enqueue(commStream, ctx.step(), ops);
            gathered = commStream.record();
        }
        await(compute, awaitedByCompute, gathered);
        ShardRange embedOwned = plan.owned(pair.embedLabel(), rank);
        compute.enqueue(info(CommandKind.UNTIE_APPLY, pair.embedLabel()), () -> {
            try {
                work.untie(pair, Collections.unmodifiableMap(whole), embedOwned);
            } finally {
                whole.values().forEach(Tensor::close);
            }
        });
    }

    private static void await(Stream s, Set<Event> awaited, Event e) {
        if (awaited.add(e)) {
            s.waitFor(e);
        }
    }

    private Event required(Map<String, Event> events, String param, String what) {
        Event e = events.get(param);
        if (e == null) {
            throw new IllegalStateException("step " + ctx.step() + ": no " + what + " of '" + param
                    + "' was issued before it is needed; the scheduler's commands are out of order");
        }
        return e;
    }

    private EmbeddingTie requireTie() {
        if (tie == null) {
            throw new IllegalStateException("a tied-embedding command arrived but the run has no tied pair");
        }
        return tie;
    }

    private CommandInfo info(CommandKind kind, String param) {
        return CommandInfo.compute(ctx.step(), kind, param);
    }
}
