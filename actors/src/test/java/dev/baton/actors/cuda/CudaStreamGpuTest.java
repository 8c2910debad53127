package dev.baton.actors.cuda;

import dev.baton.actors.collective.CollectiveOp;
import dev.baton.actors.collective.Collectives;
import dev.baton.actors.collective.ReduceOp;
import dev.baton.actors.plan.Partition;
import dev.baton.actors.plan.ShardRange;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.stream.CommandInfo;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.stream.DeviceEvent;
import dev.baton.actors.stream.Event;
import dev.baton.actors.stream.Stream;
import dev.baton.actors.stream.StreamFailure;
import dev.baton.actors.stream.StreamObserver;
import dev.baton.actors.worker.StreamFactory;
import dev.baton.kernels.ops.CudaOps;
import dev.baton.kernels.tensor.CudaTensor;
import dev.baton.kernels.testing.GpuTest;
import dev.baton.runtime.tensor.DType;
import dev.baton.runtime.tensor.Shape;
import dev.baton.runtime.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The actors' CUDA streams and NCCL collectives on one GPU: a wait on another stream's event
 * orders the GPU work (not the host), events fire once the GPU passed them, errors are sticky, and
 * a one-rank communicator round-trips a reduce-scatter and an all-gather through the comm stream.
 */
@GpuTest
class CudaStreamGpuTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int N = 1 << 26; // 256 MB of fp32: each pass over it is a visible fraction of a ms

    private static CudaBackend backend;
    private static CudaOps ops;
    private static StreamFactory streams;

    @BeforeAll
    static void open() {
        backend = CudaBackend.open(0);
        ops = backend.ops(0);
        streams = backend.streams(RunSettings.defaults(1, 1).withTimeouts(WAIT, WAIT));
    }

    @AfterAll
    static void close() {
        if (ops != null) {
            ops.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private static CommandInfo info(String what) {
        return CommandInfo.compute(0, CommandKind.OTHER, what);
    }

    @Test
    void commWaitsOnTheGpuForComputesWork() {
        Stream compute = streams.create("cuda:0", 0, "compute", StreamObserver.NONE);
        Stream comm = streams.create("cuda:0", 0, "comm", StreamObserver.NONE);
        Tensor a = ops.allocate(Shape.of(N), DType.F32);
        Tensor ones = ops.allocate(Shape.of(N), DType.F32);
        CudaTensor copy = CudaTensor.allocate(Shape.of(N), DType.F32);
        try {
            ops.fill(ones, 1f);
            ops.synchronize();
            // ~100 passes of 768 MB on the compute stream: tens of milliseconds of GPU work
            compute.enqueue(info("count to 100"), () -> {
                for (int i = 0; i < 100; i++) {
                    ops.axpby(a, 1f, a, 1f, ones);
                }
            });
            Event counted = compute.record();
            comm.waitFor(counted);
            comm.enqueue(info("copy"), () -> copy.copyFrom(CudaTensor.of(a), ((CudaStream) comm).gpuStream()));
            Event copied = comm.record();
            copied.await(WAIT);
            assertTrue(counted.isDone(), "the GPU passed the compute event before the copy that waited for it");
            float[] got = ops.download(copy);
            assertEquals(100f, got[0]);
            assertEquals(100f, got[N / 2]);
            assertEquals(100f, got[N - 1], "the copy saw the finished count everywhere");
        } finally {
            compute.close();
            comm.close();
            ops.synchronize();
            a.close();
            ones.close();
            copy.close();
        }
    }

    @Test
    void eventsFireInOrderAndHostEventsAreAwaitedOnTheHost() {
        Stream compute = streams.create("cuda:0", 0, "compute", StreamObserver.NONE);
        Tensor a = ops.allocate(Shape.of(N), DType.F32);
        try {
            compute.waitFor(DeviceEvent.fired("cpu:0/compute"));
            compute.enqueue(info("fill"), () -> ops.fill(a, 3f));
            Event first = compute.record();
            compute.enqueue(info("scale"), () -> ops.axpby(a, 2f, a, 0f, a));
            Event second = compute.record();
            second.await(WAIT);
            assertTrue(first.isDone());
            assertEquals(6f, ops.download(a)[N - 1]);
            assertEquals(1, second.afterCommand());
            assertEquals("cuda:0/compute", second.source());
        } finally {
            compute.close();
            ops.synchronize();
            a.close();
        }
    }

    @Test
    void aFailedCommandFailsTheStreamForGood() {
        Stream compute = streams.create("cuda:0", 0, "compute", StreamObserver.NONE);
        AtomicBoolean later = new AtomicBoolean();
        try {
            compute.enqueue(info("bad"), () -> {
                throw new IllegalStateException("boom");
            });
            compute.enqueue(info("later"), () -> later.set(true));
            Event e = compute.record();
            StreamFailure f = assertThrows(StreamFailure.class, () -> e.await(WAIT));
            assertTrue(f.getMessage().contains("cuda:0 compute stream: other bad (step 0) failed: IllegalStateException: boom"),
                    f.getMessage());
            assertNotNull(compute.failure());
            assertFalse(later.get(), "commands after the failure are skipped");
        } finally {
            compute.close();
        }
    }

    @Test
    void oneRankNcclRoundTripsReduceScatterAndAllGather() {
        Stream comm = streams.create("cuda:0", 0, "comm", StreamObserver.NONE);
        float[] values = new float[4096];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 256 - 128; // exact in bf16
        }
        Tensor grad = ops.upload(values, Shape.of(64, 64), DType.F32);
        Tensor weights = ops.upload(values, Shape.of(64, 64), DType.BF16);
        Partition whole = new Partition(List.of(new ShardRange(0, 64)), 64);
        try (Collectives nccl = backend.collectives(RunSettings.defaults(1, 1))) {
            ops.synchronize();
            nccl.communicator(0).enqueue(comm, 0, List.of(new CollectiveOp.ReduceScatter("g", grad, whole, ReduceOp.AVG),
                    new CollectiveOp.AllGather("w", weights, whole)));
            comm.record().await(WAIT);
            float[] g = ops.download(grad);
            float[] w = ops.download(weights);
            for (int i = 0; i < values.length; i++) {
                assertEquals(values[i], g[i], 0f, "the average over one rank is the value");
                assertEquals(values[i], w[i], 0f, "bf16-exact values gather unchanged");
            }
        } finally {
            comm.close();
            grad.close();
            weights.close();
        }
    }
}
