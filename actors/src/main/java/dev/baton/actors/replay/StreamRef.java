package dev.baton.actors.replay;

/** A command of the same rank named by its stream and its position on that stream within the step. */
public record StreamRef(String stream, int index) {
    @Override
    public String toString() {
        return stream + "#" + index;
    }
}
