package dev.baton.runtime.model.golf;

/**
 * The switches of the 1.0752 golf record (seed 001) on top of the baseline's block, each off in
 * {@link #baseline()} so that the baseline model is unchanged.
 *
 * @param leakySlope     MLP activation {@code leaky_relu(h, slope)²}; 0 = the baseline's relu² (record: 0.5)
 * @param ropeDims       channels of each head that rotate (the first ropeDims, half-split among
 *                       themselves); 0 = the whole head (record: 16 of 64)
 * @param lnScale        the input of attention and MLP of physical layer i is {@code rms_norm(x) / √(i+1)}
 * @param loopStart      first physical layer of the looped segment (record: 3)
 * @param loopEnd        last physical layer of the looped segment, inclusive (record: 5)
 * @param loops          extra passes over the segment once looping is on; 0 = no depth recurrence
 *                       (record: 2, so layers 3..5 run three times)
 * @param parallelStart  first physical layer with dual-lane parallel residuals; 0 = none (record: 8)
 */
public record GolfArchitecture(double leakySlope, int ropeDims, boolean lnScale, int loopStart, int loopEnd, int loops,
                               int parallelStart) {

    public GolfArchitecture {
        if (!(leakySlope >= 0 && leakySlope < 1) || ropeDims < 0 || ropeDims % 2 != 0 || loops < 0 || parallelStart < 0) {
            throw new IllegalArgumentException("golf architecture: slope in [0, 1), even rope dims >= 0, loops >= 0 and "
                    + "a parallel start >= 0 expected: " + this);
        }
        if (loops > 0 && (loopStart < 0 || loopEnd < loopStart)) {
            throw new IllegalArgumentException("golf depth recurrence needs 0 <= loop start <= loop end: loops " + loops
                    + ", layers " + loopStart + ".." + loopEnd);
        }
        if (loops == 0) {
            // no recurrence: the segment is irrelevant, so every such architecture is the same value
            loopStart = 0;
            loopEnd = 0;
        }
    }

    /** Every switch off: the challenge's baseline block. */
    public static GolfArchitecture baseline() {
        return new GolfArchitecture(0, 0, false, 0, 0, 0, 0);
    }

    /** The record's values (seed 001): LeakyReLU(0.5)², RoPE on 16 dims, LN scale, 3..5 looped twice more, lanes from 8. */
    public static GolfArchitecture record() {
        return new GolfArchitecture(0.5, 16, true, 3, 5, 2, 8);
    }

    public boolean recurrent() {
        return loops > 0;
    }

    /** Length of the looped segment. */
    public int segment() {
        return recurrent() ? loopEnd - loopStart + 1 : 0;
    }

    /** Checks the switches against the model's sizes. */
    void validate(int numLayers, int headDim) {
        if (ropeDims > headDim) {
            throw new IllegalArgumentException("rope dims " + ropeDims + " exceed the head dim " + headDim);
        }
        if (recurrent() && loopEnd >= numLayers) {
            throw new IllegalArgumentException("looped layers " + loopStart + ".." + loopEnd + " exceed the "
                    + numLayers + " layers");
        }
        if (parallelStart >= numLayers) {
            throw new IllegalArgumentException("parallel residuals start at layer " + parallelStart + " of "
                    + numLayers);
        }
    }
}
