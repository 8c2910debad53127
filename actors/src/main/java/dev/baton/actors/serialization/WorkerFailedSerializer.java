package dev.baton.actors.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.baton.actors.worker.WorkerReply;

/**
 * {@link WorkerReply.WorkerFailed} across JVMs: rank, device and message as they are, the cause as
 * a {@link RemoteFailure} carrying its class name and message.
 */
final class WorkerFailedSerializer extends Serializer<WorkerReply.WorkerFailed> {
    WorkerFailedSerializer() {
        super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output output, WorkerReply.WorkerFailed f) {
        output.writeVarInt(f.rank(), true);
        output.writeString(f.device());
        output.writeString(f.message());
        Throwable c = f.cause();
        output.writeBoolean(c != null);
        if (c != null) {
            output.writeString(c instanceof RemoteFailure r ? r.originalClass() : c.getClass().getName());
            output.writeString(c.getMessage());
        }
    }

    @Override
    public WorkerReply.WorkerFailed read(Kryo kryo, Input input, Class<? extends WorkerReply.WorkerFailed> type) {
        int rank = input.readVarInt(true);
        String device = input.readString();
        String message = input.readString();
        Throwable cause = input.readBoolean() ? new RemoteFailure(input.readString(), input.readString()) : null;
        return new WorkerReply.WorkerFailed(rank, device, message, cause);
    }
}
