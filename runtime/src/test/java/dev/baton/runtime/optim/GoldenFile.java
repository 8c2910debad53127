package dev.baton.runtime.optim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal safetensors reader for the golden file in tests of this package (F32, F64, I32);
 * the project's checkpoint reader replaces it once it exists.
 */
final class GoldenFile {
    static final String RESOURCE = "/golden/record-small.safetensors";

    record Entry(String dtype, int[] shape, int begin, int end) {
    }

    private final ByteBuffer data;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private GoldenFile(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = (int) b.getLong(0);
        String header = new String(bytes, 8, headerLen, StandardCharsets.UTF_8);
        this.data = ByteBuffer.wrap(bytes, 8 + headerLen, bytes.length - 8 - headerLen).slice().order(ByteOrder.LITTLE_ENDIAN);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) new Json(header).value();
        for (var e : json.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) e.getValue();
            List<?> shape = (List<?>) t.get("shape");
            List<?> off = (List<?>) t.get("data_offsets");
            int[] dims = shape.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
            entries.put(e.getKey(), new Entry((String) t.get("dtype"), dims,
                    ((Number) off.get(0)).intValue(), ((Number) off.get(1)).intValue()));
        }
    }

    /** The golden file from the test resources, or null when it has not landed yet. */
    static GoldenFile load() throws IOException {
        try (InputStream in = GoldenFile.class.getResourceAsStream(RESOURCE)) {
            return in == null ? null : new GoldenFile(in.readAllBytes());
        }
    }

    boolean has(String name) {
        return entries.containsKey(name);
    }

    Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("golden file has no tensor " + name);
        }
        return e;
    }

    float[] floats(String name) {
        Entry e = entry(name);
        float[] out = new float[(e.end - e.begin) / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.getFloat(e.begin + 4 * i);
        }
        return out;
    }

    int[] ints(String name) {
        Entry e = entry(name);
        int[] out = new int[(e.end - e.begin) / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.getInt(e.begin + 4 * i);
        }
        return out;
    }

    double[] doubles(String name) {
        Entry e = entry(name);
        double[] out = new double[(e.end - e.begin) / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.getDouble(e.begin + 8 * i);
        }
        return out;
    }

    /** Just enough JSON for a safetensors header: objects, arrays, strings, numbers. */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skip();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                skip();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    skip();
                    String k = string();
                    skip();
                    i++; // ':'
                    m.put(k, value());
                    skip();
                    if (s.charAt(i++) == '}') {
                        return m;
                    }
                }
            } else if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                skip();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    skip();
                    if (s.charAt(i++) == ']') {
                        return l;
                    }
                }
            } else if (c == '"') {
                return string();
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            return Double.parseDouble(s.substring(start, i));
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            i++; // opening quote
            while (s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    char n = s.charAt(i++);
                    if (n == 'u') {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    } else {
                        b.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
                    }
                } else {
                    b.append(c);
                }
            }
            i++;
            return b.toString();
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
