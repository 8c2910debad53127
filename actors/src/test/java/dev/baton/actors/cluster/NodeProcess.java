package dev.baton.actors.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link ClusterTestNode} in a JVM of its own (the test class path), with its output lines kept
 * for assertions: stdout holds the node's events, stderr its log.
 */
final class NodeProcess implements AutoCloseable {
    final int port;
    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();
    private final List<String> timed = new ArrayList<>();
    private final long started = System.nanoTime();

    private NodeProcess(int port, Process process) {
        this.port = port;
        this.process = process;
        pump(process.getInputStream(), out, "out");
        pump(process.getErrorStream(), err, "err");
    }

    /** Starts a node on {@code port} with these {@code baton.x=y} assignments and JVM properties. */
    static NodeProcess start(int port, List<String> sets, List<String> properties) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.addAll(List.of("--add-modules=jdk.incubator.vector", "-Xss4m", "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1"));
        cmd.addAll(properties);
        cmd.add(ClusterTestNode.class.getName());
        cmd.add("baton.cluster.port=" + port);
        cmd.addAll(sets);
        try {
            return new NodeProcess(port, new ProcessBuilder(cmd).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A TCP port that was free a moment ago. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pump(InputStream in, List<String> lines, String stream) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (timed) {
                        timed.add(String.format("%6d %s %s", (System.nanoTime() - started) / 1_000_000, stream, line));
                    }
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** Waits for a stdout line matching {@code p}; empty after {@code timeoutMs}. */
    Optional<String> await(Predicate<String> p, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (out) {
            int seen = 0;
            while (true) {
                for (; seen < out.size(); seen++) {
                    if (p.test(out.get(seen))) {
                        return Optional.of(out.get(seen));
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return Optional.empty();
                }
                out.wait(left);
            }
        }
    }

    /** The "RESULT ..." line, waiting at most {@code timeoutMs}; fails the caller's assertion with the output otherwise. */
    String result(long timeoutMs) throws InterruptedException {
        return await(l -> l.startsWith("RESULT "), timeoutMs).orElseThrow(() ->
                new AssertionError("node " + port + " gave no result within " + timeoutMs + " ms:\n" + dump()));
    }

    int exitCode(long timeoutMs) throws InterruptedException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new AssertionError("node " + port + " did not exit within " + timeoutMs + " ms:\n" + dump());
        }
        return process.exitValue();
    }

    List<String> out() {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    List<String> err() {
        synchronized (err) {
            return List.copyOf(err);
        }
    }

    /** Freezes ({@code false}: SIGSTOP) or thaws ({@code true}: SIGCONT) the JVM: frozen, it keeps its sockets open but says nothing. */
    void signal(boolean run) throws IOException, InterruptedException {
        new ProcessBuilder("kill", run ? "-CONT" : "-STOP", String.valueOf(process.pid())).inheritIO().start().waitFor();
    }

    /** Kills the JVM at once (SIGKILL): no shutdown, its sockets close. */
    void kill() {
        process.destroyForcibly();
    }

    /** Everything the node printed, each line with the milliseconds since its start and its stream. */
    String dump() {
        synchronized (timed) {
            return "--- node " + port + "\n" + String.join("\n", timed) + "\n";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
