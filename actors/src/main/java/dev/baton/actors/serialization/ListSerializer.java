package dev.baton.actors.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.util.List;

/**
 * Lists inside messages (the records copy theirs with {@code List.copyOf}): written as a length
 * and the elements with their registered classes, read back as an unmodifiable list.
 */
final class ListSerializer extends Serializer<List<?>> {
    ListSerializer() {
        super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output output, List<?> list) {
        output.writeVarInt(list.size(), true);
        for (Object o : list) {
            kryo.writeClassAndObject(output, o);
        }
    }

    @Override
    public List<?> read(Kryo kryo, Input input, Class<? extends List<?>> type) {
        int n = input.readVarInt(true);
        Object[] items = new Object[n];
        for (int i = 0; i < n; i++) {
            items[i] = kryo.readClassAndObject(input);
        }
        return List.of(items);
    }
}
