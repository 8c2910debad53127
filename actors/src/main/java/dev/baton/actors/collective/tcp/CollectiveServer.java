package dev.baton.actors.collective.tcp;

import dev.baton.actors.collective.CollectiveFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The listening side of the collective transport on one node: bound to the configured interface
 * only, it accepts connections, runs the {@link LinkHandshake} on each (with a short timeout, so a
 * silent stranger cannot hold a slot), refuses and logs strangers, and keeps authenticated
 * connections until the mesh of their run picks them up. Opened when the node starts, so that its
 * port can be announced before any run exists.
 */
public final class CollectiveServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectiveServer.class);

    private final ServerSocket server;
    private final SharedSecret secret;
    private final Duration handshakeTimeout;
    private final Consumer<String> refusals;
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService handshakes;
    private final Thread acceptor;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Map<LinkHandshake.Hello, Wire> inbox = new HashMap<>();
    private volatile boolean closed;

    private CollectiveServer(ServerSocket server, SharedSecret secret, Duration handshakeTimeout, Consumer<String> refusals) {
        this.server = server;
        this.secret = secret;
        this.handshakeTimeout = handshakeTimeout;
        this.refusals = refusals;
        String name = "baton-collective-" + server.getLocalPort();
        this.handshakes = Executors.newCachedThreadPool(r -> daemon(r, name + "-handshake"));
        this.acceptor = daemon(this::acceptLoop, name + "-accept");
        acceptor.start();
    }

    /**
     * Listens on {@code host}:{@code port} (0 = any free port); refused strangers are logged as
     * warnings.
     */
    public static CollectiveServer open(String host, int port, SharedSecret secret, Duration handshakeTimeout) {
        return open(host, port, secret, handshakeTimeout, reason -> LOG.warn(reason));
    }

    /** As {@link #open(String, int, SharedSecret, Duration)}, with each refusal's line handed to {@code refusals}. */
    public static CollectiveServer open(String host, int port, SharedSecret secret, Duration handshakeTimeout,
                                        Consumer<String> refusals) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 64);
            return new CollectiveServer(s, secret, handshakeTimeout, refusals);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for collective connections on " + host + ":" + port + ": "
                    + e.getMessage() + " (set baton.cluster.collective-port to a free port, or 0)", e);
        }
    }

    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * Waits until rank {@code from} of run {@code runId} has connected to local rank {@code to},
     * and hands over the connection.
     */
    Wire await(long runId, int to, int from, long deadlineNanos) {
        LinkHandshake.Hello key = new LinkHandshake.Hello(runId, from, to);
        lock.lock();
        try {
            while (true) {
                Wire w = inbox.remove(key);
                if (w != null) {
                    return w;
                }
                if (closed) {
                    throw new CollectiveFailure("the collective server on port " + port() + " was closed");
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new CollectiveFailure("rank " + from + " did not connect to rank " + to + " within the timeout");
                }
                arrived.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveFailure("interrupted while rank " + to + " waited for rank " + from + " to connect");
        } finally {
            lock.unlock();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("the collective server on port {} stopped accepting: {}", port(), e.toString());
                }
                return;
            }
            handshakes.execute(() -> handshake(s));
        }
    }

    private void handshake(Socket s) {
        Wire w;
        try {
            w = new Wire(s);
        } catch (IOException e) {
            closeQuietly(s);
            return;
        }
        try {
            w.readTimeout(handshakeTimeout.toMillis());
            LinkHandshake.Hello hello = LinkHandshake.accept(w.in, w.out, secret, random);
            w.readTimeout(0);
            lock.lock();
            try {
                Wire old = inbox.put(hello, w);
                if (old != null) {
                    old.close();
                }
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        } catch (IOException e) {
            String why = e instanceof LinkHandshake.Refused ? e.getMessage() : "the handshake failed: " + e;
            refusals.accept("refused a collective connection from " + w.remote() + " to port " + port() + ": " + why);
            w.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        handshakes.shutdownNow();
        List<Wire> left;
        lock.lock();
        try {
            left = new ArrayList<>(inbox.values());
            inbox.clear();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        left.forEach(Wire::close);
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
