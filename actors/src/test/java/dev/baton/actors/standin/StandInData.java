package dev.baton.actors.standin;

import dev.baton.actors.work.BatchSource;
import dev.baton.runtime.data.Batch;

import java.util.Map;

/**
 * Synthetic token sequences: each step has a global batch of {@code units} sequences of
 * {@code tokens} tokens; rank r takes sequence {@code a*W + r} at micro-step a, so any W that
 * divides the batch sees the same tokens. A cursor counts steps drawn (the resumable position).
 */
public final class StandInData implements BatchSource {
    private final int units;
    private final int tokens;
    private final int vocab;
    private long cursor;

    public StandInData(int units, int tokens, int vocab) {
        this.units = units;
        this.tokens = tokens;
        this.vocab = vocab;
    }

    @Override
    public Batch[][] next(long step, int world) {
        if (units % world != 0) {
            throw new IllegalArgumentException("a global batch of " + units + " sequences does not split over " + world + " devices");
        }
        long c = cursor++;
        return split(c, world, units / world, 0);
    }

    @Override
    public Batch[][] validation(int world) {
        return split(1_000_000, world, units / world, 0);
    }

    private Batch[][] split(long seed, int world, int micro, int base) {
        Batch[][] out = new Batch[micro][world];
        for (int a = 0; a < micro; a++) {
            for (int r = 0; r < world; r++) {
                out[a][r] = sequence(seed, base + a * world + r);
            }
        }
        return out;
    }

    private Batch sequence(long seed, int unit) {
        int[] buf = new int[tokens + 1];
        long x = seed * 0x9E3779B97F4A7C15L + unit * 0xBF58476D1CE4E5B9L + 12345;
        for (int i = 0; i <= tokens; i++) {
            x ^= x >>> 31;
            x *= 0x94D049BB133111EBL;
            x ^= x >>> 29;
            buf[i] = (int) Math.floorMod(x, (long) vocab);
        }
        int[] in = new int[tokens];
        int[] tg = new int[tokens];
        System.arraycopy(buf, 0, in, 0, tokens);
        System.arraycopy(buf, 1, tg, 0, tokens);
        return new Batch(in, tg, new int[] {0, tokens});
    }

    @Override
    public Map<String, Long> position() {
        return Map.of("cursor", cursor);
    }

    @Override
    public void restore(Map<String, Long> position) {
        Long c = position.get("cursor");
        if (c == null) {
            throw new IllegalArgumentException("position has no 'cursor': " + position);
        }
        cursor = c;
    }
}
