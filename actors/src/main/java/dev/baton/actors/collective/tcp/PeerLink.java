package dev.baton.actors.collective.tcp;

import dev.baton.actors.collective.CollectiveFailure;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One local rank's connection to one peer rank. Slices travel as a {@link FrameHeader} and then
 * little-endian floats in chunks of at most 64 KiB, so neither side ever holds more than one chunk
 * extra: writes block when the peer does not read (TCP flow control is the back-pressure), reads
 * block at most the configured timeout. The sender thread only writes and the stream thread only
 * reads, each with its own chunk buffer.
 */
final class PeerLink implements AutoCloseable {
    private static final int CHUNK_FLOATS = 1 << 14;

    private final Wire wire;
    private final int self;
    private final int peer;
    private final String peerNode;
    private final byte[] sendChunk = new byte[CHUNK_FLOATS * 4];
    private final byte[] receiveChunk = new byte[CHUNK_FLOATS * 4];
    private final FloatBuffer sendFloats = ByteBuffer.wrap(sendChunk).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    private final FloatBuffer receiveFloats = ByteBuffer.wrap(receiveChunk).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    private final float[] scratch = new float[CHUNK_FLOATS];

    PeerLink(Wire wire, int self, int peer, String peerNode, long readTimeoutMillis) throws IOException {
        this.wire = wire;
        this.self = self;
        this.peer = peer;
        this.peerNode = peerNode;
        wire.readTimeout(readTimeoutMillis);
    }

    int peer() {
        return peer;
    }

    /** "rank 2 (node 127.0.0.1:7402)" */
    String peerName() {
        return "rank " + peer + " (node " + peerNode + ")";
    }

    /** Sends {@code header} and {@code header.elements()} floats of {@code src} from {@code offset}. */
    void send(FrameHeader header, float[] src, int offset) throws IOException {
        header.write(wire.out);
        int n = header.elements();
        for (int done = 0; done < n; ) {
            int c = Math.min(CHUNK_FLOATS, n - done);
            sendFloats.clear();
            sendFloats.put(src, offset + done, c);
            wire.out.write(sendChunk, 0, c * 4);
            done += c;
        }
        wire.out.flush();
    }

    /**
     * Receives the slice described by {@code expected} into {@code dst} from {@code offset}:
     * copied, or added element by element when {@code add} (the next rank of a rank-order sum).
     */
    void receive(FrameHeader expected, float[] dst, int offset, boolean add) {
        try {
            FrameHeader got = FrameHeader.read(wire.in);
            if (!got.equals(expected)) {
                throw new CollectiveFailure("collective #" + expected.seq() + " differs between ranks: rank " + self
                        + " expects " + expected.describe() + " but " + peerName() + " sent " + got.describe()
                        + "; every rank must issue the same collectives in the same order");
            }
            int n = expected.elements();
            for (int done = 0; done < n; ) {
                int c = Math.min(CHUNK_FLOATS, n - done);
                wire.in.readFully(receiveChunk, 0, c * 4);
                receiveFloats.clear();
                int at = offset + done;
                if (add) {
                    receiveFloats.get(scratch, 0, c);
                    for (int i = 0; i < c; i++) {
                        dst[at + i] += scratch[i];
                    }
                } else {
                    receiveFloats.get(dst, at, c);
                }
                done += c;
            }
        } catch (SocketTimeoutException e) {
            throw new CollectiveFailure(expected.describe() + " on rank " + self + ": " + peerName()
                    + " sent nothing within the wait timeout (baton.run.wait-timeout-s)", e);
        } catch (EOFException e) {
            throw new CollectiveFailure(expected.describe() + " on rank " + self + ": " + peerName()
                    + " closed the connection (its process ended or it stopped the run)", e);
        } catch (IOException e) {
            throw new CollectiveFailure(expected.describe() + " on rank " + self + ": the connection to " + peerName()
                    + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        wire.close();
    }
}
