package dev.baton.actors.collective.tcp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;

/**
 * One TCP connection with its buffered streams, created once so that the handshake and the link
 * that follows read the same buffer (no byte is lost between them). Closing it closes the socket,
 * which fails any read or write blocked on it.
 */
final class Wire implements AutoCloseable {
    private static final int BUFFER = 1 << 16;

    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;

    Wire(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), BUFFER));
    }

    /** Reads block at most this long before failing with a timeout (0 = forever). */
    void readTimeout(long millis) throws SocketException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(0, millis)));
    }

    /** The remote end, e.g. "/127.0.0.1:53122", for logs. */
    String remote() {
        return String.valueOf(socket.getRemoteSocketAddress());
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort; the socket is unusable either way
        }
    }
}
