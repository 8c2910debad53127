package dev.baton.actors.collective.tcp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.SecureRandom;

/**
 * The mutual challenge-response that opens every collective connection: the connecting rank
 * names the run and the two ranks, the accepting side sends a fresh nonce, the connecting side
 * answers with an HMAC over both nonces and the names, and the accepting side proves itself the
 * same way. A stranger (no secret, another protocol) is refused before any tensor moves.
 *
 * <pre>
 * C->S  "BTNH" version runId from to clientNonce[16]
 * S->C  serverNonce[16]
 * C->S  mac("client", runId, from, to, serverNonce, clientNonce)
 * S->C  1 mac("server", runId, from, to, clientNonce, serverNonce)   (or 0: refused)
 * </pre>
 */
final class LinkHandshake {
    private static final int MAGIC = 0x42544E48; // "BTNH"
    private static final int VERSION = 1;
    private static final int NONCE_BYTES = 16;

    /** Who connected to whom, for which run; what the accepting side learns from a successful handshake. */
    record Hello(long runId, int from, int to) {
    }

    /** The peer is not one of ours: the reason, for the refusal log. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason);
        }
    }

    private LinkHandshake() {
    }

    /** The connecting side; throws {@link Refused} when the accepting side does not know the secret or refuses us. */
    static void connect(DataInputStream in, DataOutputStream out, SharedSecret secret, SecureRandom random,
                        long runId, int from, int to) throws IOException {
        byte[] clientNonce = nonce(random);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(runId);
        out.writeInt(from);
        out.writeInt(to);
        out.write(clientNonce);
        out.flush();
        byte[] serverNonce = new byte[NONCE_BYTES];
        in.readFully(serverNonce);
        out.write(secret.mac("client", SharedSecret.bytes(runId), SharedSecret.bytes(from), SharedSecret.bytes(to),
                serverNonce, clientNonce));
        out.flush();
        if (in.readUnsignedByte() != 1) {
            throw new Refused("the peer refused this node (its baton.cluster.secret differs)");
        }
        byte[] proof = new byte[SharedSecret.MAC_BYTES];
        in.readFully(proof);
        byte[] expected = secret.mac("server", SharedSecret.bytes(runId), SharedSecret.bytes(from), SharedSecret.bytes(to),
                clientNonce, serverNonce);
        if (!SharedSecret.same(proof, expected)) {
            throw new Refused("the peer does not know the cluster secret");
        }
    }

    /** The accepting side; returns who connected, or throws {@link Refused} naming why the peer is a stranger. */
    static Hello accept(DataInputStream in, DataOutputStream out, SharedSecret secret, SecureRandom random) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new Refused("not a Baton collective connection (it sent 0x" + Integer.toHexString(magic) + ")");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new Refused("collective protocol version " + version + ", this node speaks " + VERSION);
        }
        long runId = in.readLong();
        int from = in.readInt();
        int to = in.readInt();
        byte[] clientNonce = new byte[NONCE_BYTES];
        in.readFully(clientNonce);
        byte[] serverNonce = nonce(random);
        out.write(serverNonce);
        out.flush();
        byte[] proof = new byte[SharedSecret.MAC_BYTES];
        in.readFully(proof);
        byte[] expected = secret.mac("client", SharedSecret.bytes(runId), SharedSecret.bytes(from), SharedSecret.bytes(to),
                serverNonce, clientNonce);
        if (!SharedSecret.same(proof, expected)) {
            out.writeByte(0);
            out.flush();
            throw new Refused("it does not know the cluster secret (HMAC mismatch)");
        }
        out.writeByte(1);
        out.write(secret.mac("server", SharedSecret.bytes(runId), SharedSecret.bytes(from), SharedSecret.bytes(to),
                clientNonce, serverNonce));
        out.flush();
        return new Hello(runId, from, to);
    }

    private static byte[] nonce(SecureRandom random) {
        byte[] n = new byte[NONCE_BYTES];
        random.nextBytes(n);
        return n;
    }
}
