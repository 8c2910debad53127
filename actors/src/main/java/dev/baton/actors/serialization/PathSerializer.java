package dev.baton.actors.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.nio.file.Path;

/**
 * A path (checkpoint folders) as its string: the checkpoint folder is the same shared path on
 * every node of a run (docs/cluster.md).
 */
final class PathSerializer extends Serializer<Path> {
    PathSerializer() {
        super(false, true);
    }

    @Override
    public void write(Kryo kryo, Output output, Path path) {
        output.writeString(path.toString());
    }

    @Override
    public Path read(Kryo kryo, Input input, Class<? extends Path> type) {
        return Path.of(input.readString());
    }
}
