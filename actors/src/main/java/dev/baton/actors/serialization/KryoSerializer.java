package dev.baton.actors.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;

import java.io.NotSerializableException;
import java.util.function.Supplier;

/**
 * The Pekko serializer of the messages between the JVMs of a cluster run: Kryo 5 with
 * registration required and the project's own table ({@link MessageRegistry}). Kryo instances are
 * not thread-safe and Artery serializes on several threads, so each call borrows one from a pool
 * owned by this serializer. Bound to the message types in the cluster's Pekko configuration.
 */
public final class KryoSerializer extends JSerializer {
    /** Pekko's id of this serializer ("BTNK"); ids below 100 are Pekko's own. */
    public static final int IDENTIFIER = 0x42544E4B;

    private final Pool<Kryo> pool;

    /** Called by Pekko's serialization extension with the system it serializes for. */
    public KryoSerializer(ExtendedActorSystem system) {
        Class<?> refClass = Adapter.toTyped(system.deadLetters()).getClass();
        Supplier<ActorRefResolver> resolver = new Supplier<>() {
            private volatile ActorRefResolver resolved;

            @Override
            public ActorRefResolver get() {
                ActorRefResolver r = resolved;
                if (r == null) {
                    r = ActorRefResolver.get(Adapter.toTyped(system));
                    resolved = r;
                }
                return r;
            }
        };
        this.pool = new Pool<>(true, false, 32) {
            @Override
            protected Kryo create() {
                return MessageRegistry.newKryo(resolver, refClass);
            }
        };
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public boolean includeManifest() {
        return false; // Kryo writes the registered class id itself
    }

    @Override
    public byte[] toBinary(Object o) {
        Kryo kryo = pool.obtain();
        try {
            Output out = new Output(256, -1);
            kryo.writeClassAndObject(out, o);
            return out.toBytes();
        } catch (KryoException e) {
            throw new IllegalArgumentException("cannot serialize " + o.getClass().getName() + " for another node: "
                    + e.getMessage(), e);
        } finally {
            pool.free(kryo);
        }
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
        Kryo kryo = pool.obtain();
        try {
            return kryo.readClassAndObject(new Input(bytes));
        } catch (KryoException e) {
            throw new IllegalArgumentException(new NotSerializableException("cannot read a message from another node ("
                    + bytes.length + " bytes): " + e.getMessage()));
        } finally {
            pool.free(kryo);
        }
    }
}
