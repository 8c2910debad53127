package dev.baton.actors.serialization;

import com.typesafe.config.ConfigFactory;
import dev.baton.actors.cluster.HostingReply;
import dev.baton.actors.cluster.NodeMessage;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.StopMode;
import dev.baton.actors.stream.CommandKind;
import dev.baton.runtime.train.LossSum;
import dev.baton.actors.work.StepContext;
import dev.baton.actors.worker.StepTimings;
import dev.baton.actors.worker.WorkerCommand;
import dev.baton.actors.worker.WorkerReply;
import dev.baton.runtime.data.Batch;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every message that may cross JVMs goes through Baton's Kryo serializer (the cluster's Pekko
 * bindings) and comes back equal, field by field; unregistered classes and Java serialization are
 * refused.
 */
class KryoSerializerTest {
    private static ActorSystem<Void> system;
    private static Serialization serialization;

    /** A message type nobody registered. */
    record Unregistered(int x) implements ClusterMessage {
    }

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "kryo-test", ConfigFactory.parseString("pekko.actor.provider = local")
                .withFallback(ConfigFactory.parseResources("dev/baton/actors/cluster/pekko-cluster.conf"))
                .withFallback(ConfigFactory.load()));
        serialization = SerializationExtension.get(Adapter.toClassic(system));
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    private static Map<Class<?>, Object> samples() {
        ActorRef<Object> ref = Adapter.toTyped(Adapter.toClassic(system).deadLetters());
        Batch b1 = new Batch(new int[] {1, 2, 3, 4}, new int[] {2, 3, 4, 5}, new int[] {0, 4});
        Batch b2 = new Batch(new int[] {7, 8}, new int[] {8, 9}, new int[] {0, 1, 2});
        Path dir = Path.of("/shared/checkpoints/.step-00000004.tmp-1");
        List<Object> all = List.of(
                new WorkerCommand.Step(new StepContext(5, true, false, 2), List.of(b1, b2)),
                new WorkerCommand.CombineTied(),
                new WorkerCommand.LaunchCollective(List.of(new WorkerCommand.PlannedCollective("attn", CommandKind.REDUCE_SCATTER),
                        new WorkerCommand.PlannedCollective("scalars", CommandKind.ALL_REDUCE))),
                new WorkerCommand.RunUpdate("mlp"), new WorkerCommand.Gather("mlp"), new WorkerCommand.SyncTied(),
                new WorkerCommand.Untie(), new WorkerCommand.ClearGradients(List.of("attn", "mlp")),
                new WorkerCommand.FinishStep(5), new WorkerCommand.Evaluate(6, List.of(b2)),
                new WorkerCommand.SaveCheckpoint(6, dir), new WorkerCommand.LoadCheckpoint(dir), new WorkerCommand.LoadWeights(dir), new WorkerCommand.Stop(true),
                new WorkerReply.Ready(3), new WorkerReply.StepDone(3, 5, 2.5, new StepTimings(10, 7, 4)),
                new WorkerReply.WorkerFailed(3, "cpu:3@10.0.0.2:7355", "forward_backward (step 5) failed",
                        new IllegalStateException("boom")),
                new WorkerReply.Evaluated(3, 6, new LossSum(12.5, 40)), new WorkerReply.Saved(3, 6),
                new WorkerReply.Loaded(3, 4),
                new NodeMessage.NodeReady("10.0.0.2:7355", "10.0.0.2", 40001, ref.narrow()),
                new NodeMessage.RunPlan(-123456789L, List.of(new NodeMessage.NodeEndpoint("10.0.0.1:7355", "10.0.0.1", 40000),
                        new NodeMessage.NodeEndpoint("10.0.0.2:7355", "10.0.0.2", 40001)), 2, new byte[] {1, 2, 3}),
                new NodeMessage.MeshReady("10.0.0.2:7355"), new NodeMessage.NodeFailed("10.0.0.2:7355", "no route"),
                new NodeMessage.HostWorker(2, ref.narrow(), ref.narrow()), new NodeMessage.StopRun(StopMode.FINISH_STEP),
                new NodeMessage.RunEnded(RunResult.Status.FAILED, 6, "node x became unreachable", "/shared/ck/step-00000004",
                        ref.narrow()),
                new NodeMessage.RunEndedAck("10.0.0.2:7355"),
                new HostingReply.WorkerHosted(2, ref.narrow()), new HostingReply.HostingFailed(2, "rank 2 is not here"));
        Map<Class<?>, Object> m = new LinkedHashMap<>();
        for (Object o : all) {
            m.put(o.getClass(), o);
        }
        return m;
    }

    @Test
    void everyRegisteredMessageRoundTripsThroughTheBoundKryoSerializer() {
        Map<Class<?>, Object> samples = samples();
        assertEquals(new HashSet<>(MessageRegistry.messageClasses()), samples.keySet(), "a sample for every registered message");
        for (Object sample : samples.values()) {
            Serializer s = serialization.findSerializerFor(sample);
            assertInstanceOf(KryoSerializer.class, s, sample.getClass().getName());
            byte[] bytes = s.toBinary(sample);
            Object back = s.fromBinary(bytes);
            assertEquals(deep(sample), deep(back), sample.getClass().getSimpleName());
        }
    }

    @Test
    void aFailureCauseTravelsAsItsClassAndMessage() {
        WorkerReply.WorkerFailed f = new WorkerReply.WorkerFailed(1, "cpu:1@h:1", "update failed", new IllegalStateException("boom"));
        Serializer s = serialization.findSerializerFor(f);
        WorkerReply.WorkerFailed back = (WorkerReply.WorkerFailed) s.fromBinary(s.toBinary(f));
        RemoteFailure cause = assertInstanceOf(RemoteFailure.class, back.cause());
        assertEquals("java.lang.IllegalStateException", cause.originalClass());
        assertEquals("IllegalStateException: boom", cause.toString());
        WorkerReply.WorkerFailed none = new WorkerReply.WorkerFailed(1, "cpu:1@h:1", "lost", null);
        assertEquals(null, ((WorkerReply.WorkerFailed) s.fromBinary(s.toBinary(none))).cause());
    }

    @Test
    void everyMessageTypeThatCrossesJvmsIsRegistered() {
        Set<Class<?>> registered = new HashSet<>(MessageRegistry.messageClasses());
        List<Class<?>> wire = new ArrayList<>();
        for (Class<?> c : WorkerCommand.class.getPermittedSubclasses()) {
            if (c.isRecord()) {
                wire.add(c); // WorkerSignal, the worker's messages to itself, never leaves the JVM
            }
        }
        wire.addAll(List.of(WorkerReply.class.getPermittedSubclasses()));
        wire.addAll(List.of(HostingReply.class.getPermittedSubclasses()));
        Set<String> local = Set.of("ClusterChanged", "AgentsListed", "PhaseTimedOut", "MeshConnected", "RunFinished", "AcksDone");
        for (Class<?> c : NodeMessage.class.getPermittedSubclasses()) {
            if (!local.contains(c.getSimpleName())) {
                wire.add(c);
            }
        }
        assertEquals(14 + 6 + 2 + 8, wire.size());
        for (Class<?> c : wire) {
            assertTrue(registered.contains(c), c.getName() + " is registered");
        }
    }

    @Test
    void unregisteredClassesAndJavaSerializationAreRefused() {
        Serializer s = serialization.findSerializerFor(new Unregistered(1));
        assertInstanceOf(KryoSerializer.class, s);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.toBinary(new Unregistered(1)));
        assertTrue(e.getMessage().contains("Class is not registered") && e.getMessage().contains("Unregistered"), e.getMessage());
        assertTrue(serialization.serialize(new java.util.ArrayList<>(List.of(1, 2))).isFailure(),
                "a plain java.io.Serializable is not serialized with Java serialization");
    }

    /** Field-by-field value of a message: arrays by content, references by path, causes by class and message. */
    private static String deep(Object o) {
        if (o == null) {
            return "null";
        }
        if (o.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(o); i++) {
                items.add(deep(Array.get(o, i)));
            }
            return items.toString();
        }
        if (o instanceof ActorRef<?> r) {
            return "ref:" + r.path();
        }
        if (o instanceof Throwable t) {
            String cls = t instanceof RemoteFailure rf ? rf.originalClass() : t.getClass().getName();
            return "cause:" + cls + ":" + t.getMessage();
        }
        if (o instanceof List<?> l) {
            List<String> items = new ArrayList<>();
            l.forEach(x -> items.add(deep(x)));
            return items.toString();
        }
        if (o instanceof Record) {
            StringBuilder b = new StringBuilder(o.getClass().getSimpleName()).append('(');
            for (RecordComponent c : o.getClass().getRecordComponents()) {
                try {
                    b.append(c.getName()).append('=').append(deep(c.getAccessor().invoke(o))).append(',');
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return b.append(')').toString();
        }
        return o.getClass().getSimpleName() + ":" + o;
    }
}
