package dev.baton.actors.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.RecordSerializer;
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
import org.apache.pekko.actor.typed.ActorRefResolver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every class that may cross JVMs, in a fixed order with fixed Kryo ids: the worker protocol, the
 * node agents' protocol and the types of their fields. Nodes only talk to nodes with the same code
 * version (the admission check), so the table is the same on both ends. Anything else is refused
 * by Kryo (registration required), which also keeps Java serialization out.
 */
public final class MessageRegistry {
    private static final int FIRST_ID = 100;

    /** The message records, each serialized by Kryo's record serializer through its canonical constructor. */
    static final List<Class<? extends Record>> MESSAGE_RECORDS = List.of(
            WorkerCommand.Step.class, WorkerCommand.CombineTied.class, WorkerCommand.LaunchCollective.class,
            WorkerCommand.RunUpdate.class, WorkerCommand.Gather.class, WorkerCommand.SyncTied.class,
            WorkerCommand.Untie.class, WorkerCommand.ClearGradients.class, WorkerCommand.FinishStep.class,
            WorkerCommand.Evaluate.class, WorkerCommand.SaveCheckpoint.class, WorkerCommand.LoadCheckpoint.class,
            WorkerCommand.LoadWeights.class, WorkerCommand.Stop.class,
            WorkerReply.Ready.class, WorkerReply.StepDone.class, WorkerReply.Evaluated.class, WorkerReply.Saved.class,
            WorkerReply.Loaded.class,
            NodeMessage.NodeReady.class, NodeMessage.RunPlan.class, NodeMessage.MeshReady.class,
            NodeMessage.NodeFailed.class, NodeMessage.HostWorker.class, NodeMessage.StopRun.class,
            NodeMessage.RunEnded.class, NodeMessage.RunEndedAck.class,
            HostingReply.WorkerHosted.class, HostingReply.HostingFailed.class);

    /** Records that only appear as fields of messages. */
    static final List<Class<? extends Record>> FIELD_RECORDS = List.of(
            StepContext.class, Batch.class, WorkerCommand.PlannedCollective.class, StepTimings.class, LossSum.class,
            NodeMessage.NodeEndpoint.class);

    /** Enums that appear as fields. */
    static final List<Class<? extends Enum<?>>> ENUMS = List.of(CommandKind.class, RunResult.Status.class, StopMode.class);

    private MessageRegistry() {
    }

    /** Every message class a node may send to another (the records and {@link WorkerReply.WorkerFailed}). */
    public static List<Class<?>> messageClasses() {
        List<Class<?>> all = new ArrayList<>(MESSAGE_RECORDS);
        all.add(WorkerReply.WorkerFailed.class);
        return List.copyOf(all);
    }

    /**
     * A Kryo with registration required and the table registered.
     *
     * @param resolver      the actor system's reference resolver (looked up lazily)
     * @param actorRefClass the runtime class of this system's typed actor references
     */
    static Kryo newKryo(Supplier<ActorRefResolver> resolver, Class<?> actorRefClass) {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false); // messages are trees of values, never cyclic
        int id = FIRST_ID;
        kryo.register(int[].class, id++);
        kryo.register(byte[].class, id++);
        ListSerializer lists = new ListSerializer();
        kryo.register(List.of().getClass(), lists, id++);
        kryo.register(List.of(1).getClass(), lists, id++);
        kryo.register(ArrayList.class, lists, id++);
        PathSerializer paths = new PathSerializer();
        kryo.addDefaultSerializer(Path.class, paths);
        kryo.register(Path.of("checkpoints").getClass(), paths, id++);
        ActorRefSerializer refs = new ActorRefSerializer(resolver);
        kryo.addDefaultSerializer(ActorRef.class, refs);
        kryo.register(actorRefClass, refs, id++);
        for (Class<? extends Enum<?>> e : ENUMS) {
            kryo.register(e, id++);
        }
        for (Class<? extends Record> r : FIELD_RECORDS) {
            kryo.register(r, new RecordSerializer<>(r), id++);
        }
        for (Class<? extends Record> r : MESSAGE_RECORDS) {
            kryo.register(r, new RecordSerializer<>(r), id++);
        }
        kryo.register(WorkerReply.WorkerFailed.class, new WorkerFailedSerializer(), id);
        return kryo;
    }
}
