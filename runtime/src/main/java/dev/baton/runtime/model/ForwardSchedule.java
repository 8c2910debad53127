package dev.baton.runtime.model;

import java.util.Arrays;

/**
 * What the schedule fixes for one forward (the record's ForwardScheduleConfig): the
 * multi-token-prediction weights and the short and long attention windows in blocks of
 * {@link GptConfig#blockSize()} tokens.
 *
 * @param mtpWeights weight k scores the token k+1 positions ahead; evaluation ignores them
 */
public record ForwardSchedule(float[] mtpWeights, int wsShort, int wsLong) {
    public ForwardSchedule {
        mtpWeights = mtpWeights.clone();
        if (mtpWeights.length == 0 || wsShort < 0 || wsLong < 0) {
            throw new IllegalArgumentException("forward schedule needs MTP weights and non-negative windows");
        }
    }

    @Override
    public float[] mtpWeights() {
        return mtpWeights.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForwardSchedule f && Arrays.equals(mtpWeights, f.mtpWeights)
                && wsShort == f.wsShort && wsLong == f.wsLong;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(mtpWeights) + wsShort) + wsLong;
    }

    @Override
    public String toString() {
        return "ForwardSchedule[mtp=" + Arrays.toString(mtpWeights) + ", ws=(" + wsShort + ", " + wsLong + ")]";
    }
}
