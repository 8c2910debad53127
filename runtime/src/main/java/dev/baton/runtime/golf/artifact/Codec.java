package dev.baton.runtime.golf.artifact;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.encoder.Encoder;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The compressors an artifact may use, each at its strongest setting: zlib level 9 (the baseline's
 * {@code zlib.compress(..., 9)}, java.util.zip), xz preset 9 with the extreme match finder settings
 * (LZMA2, pure Java) and Brotli quality 11 with a 16 MiB window (native code through brotli4j,
 * available where its library loads). The id is what the artifact header records.
 */
public enum Codec {
    ZLIB(1, "zlib"), XZ(2, "xz"), BROTLI(3, "brotli");

    private final int id;
    private final String label;

    Codec(int id, String label) {
        this.id = id;
        this.label = label;
    }

    public int id() {
        return id;
    }

    /** The name used on the command line and in reports. */
    public String label() {
        return label;
    }

    public static Codec ofId(int id) {
        for (Codec c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        return null;
    }

    /** The codec called {@code label} (zlib, xz, brotli), or null. */
    public static Codec ofLabel(String label) {
        return Arrays.stream(values()).filter(c -> c.label.equals(label)).findFirst().orElse(null);
    }

    /** False only for Brotli where its native library does not load on this machine. */
    public boolean available() {
        return this != BROTLI || Brotli4jLoader.isAvailable();
    }

    /** Why {@link #available()} is false, for a user-facing message. */
    public String unavailableReason() {
        if (available()) {
            return "";
        }
        Throwable cause = Brotli4jLoader.getUnavailabilityCause();
        return "the Brotli native library does not load on this machine"
                + (cause != null ? " (" + cause.getMessage() + ")" : "") + "; use --codec xz or zlib";
    }

    public byte[] compress(byte[] raw) {
        try {
            return switch (this) {
                case ZLIB -> deflate(raw);
                case XZ -> xz(raw);
                case BROTLI -> {
                    Brotli4jLoader.ensureAvailability();
                    yield Encoder.compress(raw, new Encoder.Parameters().setQuality(11).setWindow(24)
                            .setMode(Encoder.Mode.GENERIC));
                }
            };
        } catch (IOException e) {
            throw new IllegalStateException(label + " compression failed: " + e.getMessage(), e);
        }
    }

    /**
     * Decompresses {@code packed}, which must give exactly {@code rawLength} bytes.
     *
     * @throws IOException when the data is not valid for this codec or has another length
     */
    public byte[] decompress(byte[] packed, int rawLength) throws IOException {
        byte[] raw = switch (this) {
            case ZLIB -> inflate(packed, rawLength);
            case XZ -> unxz(packed, rawLength);
            case BROTLI -> {
                Brotli4jLoader.ensureAvailability();
                yield Decoder.decompress(packed, 0, packed.length);
            }
        };
        if (raw.length != rawLength) {
            throw new IOException("decompressed to " + raw.length + " bytes instead of " + rawLength);
        }
        return raw;
    }

    private static byte[] deflate(byte[] raw) {
        Deflater d = new Deflater(9);
        try {
            d.setInput(raw);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
            byte[] buf = new byte[1 << 16];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    private static byte[] inflate(byte[] packed, int rawLength) throws IOException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(packed);
            byte[] out = new byte[rawLength];
            int n = 0;
            while (n < rawLength && !inf.finished()) {
                int got = inf.inflate(out, n, rawLength - n);
                if (got == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new IOException("zlib stream ends early");
                }
                n += got;
            }
            if (!inf.finished()) {
                byte[] probe = new byte[1];
                if (inf.inflate(probe) > 0 || !inf.finished()) {
                    throw new IOException("zlib stream holds more than " + rawLength + " bytes");
                }
            }
            if (inf.getRemaining() > 0) {
                throw new IOException(inf.getRemaining() + " bytes follow the zlib stream");
            }
            return n == rawLength ? out : Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            throw new IOException("not a valid zlib stream: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }

    private static byte[] xz(byte[] raw) throws IOException {
        LZMA2Options options = new LZMA2Options(9);
        options.setNiceLen(LZMA2Options.NICE_LEN_MAX); // what xz -9e changes over -9
        options.setDepthLimit(512);
        // a dictionary beyond the input size buys nothing and costs encoder memory
        options.setDictSize(dictSize(raw.length));
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
        try (XZOutputStream xz = new XZOutputStream(out, options, org.tukaani.xz.XZ.CHECK_CRC32)) {
            xz.write(raw);
        }
        return out.toByteArray();
    }

    private static int dictSize(int length) {
        int size = Math.max(LZMA2Options.DICT_SIZE_MIN, Integer.highestOneBit(Math.max(1, length - 1)) << 1);
        return Math.min(size, 64 << 20);
    }

    private static byte[] unxz(byte[] packed, int rawLength) throws IOException {
        try (InputStream in = new XZInputStream(new ByteArrayInputStream(packed))) {
            byte[] out = in.readNBytes(rawLength);
            if (in.read() >= 0) {
                throw new IOException("xz stream holds more than " + rawLength + " bytes");
            }
            return out;
        }
    }
}
