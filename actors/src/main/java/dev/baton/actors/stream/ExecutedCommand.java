package dev.baton.actors.stream;

import java.util.List;

/**
 * One command as it ran on a stream: its label, the events it had to wait for, and its enqueue,
 * start and end times ({@link System#nanoTime()} of this JVM).
 *
 * @param device  device of the stream, e.g. "cpu:2"
 * @param rank    rank of that device in the run
 * @param stream  stream name, e.g. "compute"
 * @param seq     position of the command on its stream (0, 1, ...)
 * @param info    what the command is
 * @param waits   events the command waited for, each as "stream#seq" of its device (e.g. "comm#4")
 * @param failed  true when the command threw
 */
public record ExecutedCommand(String device, int rank, String stream, long seq, CommandInfo info,
                              List<String> waits, long enqueueNanos, long startNanos, long endNanos,
                              boolean failed) {
    public ExecutedCommand {
        waits = List.copyOf(waits);
    }

    public long durationNanos() {
        return endNanos - startNanos;
    }
}
