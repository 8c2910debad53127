package dev.baton.actors.collective.tcp;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The cluster's shared secret ({@code baton.cluster.secret}) as an HMAC-SHA256 key. Nodes prove
 * that they know it without sending it: the collective handshake and the cluster admission both
 * exchange MACs over their own inputs. The secret itself is never printed ({@link #toString}).
 */
public final class SharedSecret {
    /** Bytes of a MAC. */
    public static final int MAC_BYTES = 32;

    private final SecretKeySpec key;
    private final boolean empty;

    private SharedSecret(byte[] key, boolean empty) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.empty = empty;
    }

    /** The key of {@code secret}; "" gives a fixed key that only keeps honest configurations apart. */
    public static SharedSecret of(String secret) {
        try {
            // hashing first gives a non-empty key of fixed size for any secret, the empty one included
            byte[] k = MessageDigest.getInstance("SHA-256").digest(("baton-cluster-secret\0" + secret)
                    .getBytes(StandardCharsets.UTF_8));
            return new SharedSecret(k, secret.isEmpty());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /**
     * The key as hex, for the node's own Pekko configuration (the admission check reads it there);
     * the configured secret itself never appears anywhere.
     */
    public String keyHex() {
        return java.util.HexFormat.of().formatHex(key.getEncoded());
    }

    /** The secret whose key {@link #keyHex} gave. */
    public static SharedSecret fromKeyHex(String hex, boolean empty) {
        return new SharedSecret(java.util.HexFormat.of().parseHex(hex), empty);
    }

    /** True when no secret was configured (trusted networks only). */
    public boolean isEmpty() {
        return empty;
    }

    /** HMAC over {@code purpose} and {@code parts}, each length-prefixed so that no two inputs collide. */
    public byte[] mac(String purpose, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            update(mac, purpose.getBytes(StandardCharsets.UTF_8));
            for (byte[] p : parts) {
                update(mac, p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no HmacSHA256", e);
        }
    }

    /** Compares MACs in constant time. */
    public static boolean same(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** A long as 8 bytes, for {@link #mac} parts. */
    public static byte[] bytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void update(Mac mac, byte[] part) {
        mac.update(ByteBuffer.allocate(4).putInt(part.length).array());
        mac.update(part);
    }

    @Override
    public String toString() {
        return empty ? "SharedSecret[none]" : "SharedSecret[set]";
    }
}
