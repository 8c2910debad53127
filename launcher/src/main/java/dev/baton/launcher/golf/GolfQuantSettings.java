package dev.baton.launcher.golf;

import dev.baton.conf.BatonConfigException;
import dev.baton.conf.Settings;
import dev.baton.runtime.golf.quant.GptqConfig;

/**
 * How a golf artifact is quantised ({@code baton.golf.export.quant}, {@code baton.golf.gptq}):
 * the baseline's int8, or GPTQ int6 with its settings, each mistake one message naming the key.
 *
 * @param gptq the GPTQ settings (bound and checked even when int8 is chosen, so a typo shows early)
 */
public record GolfQuantSettings(Quant quant, GptqConfig gptq) {
    /** The artifact's quantisation. */
    public enum Quant {
        INT8("int8"), GPTQ_INT6("gptq-int6");

        private final String label;

        Quant(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The quantisation called {@code label}, or a message naming {@code source} and the choices. */
        public static Quant of(String label, String source) {
            for (Quant q : values()) {
                if (q.label.equals(label)) {
                    return q;
                }
            }
            throw new BatonConfigException(source + " " + label + " is not one of int8, gptq-int6");
        }

        /** The bits tag in file names and log lines: int8 or int6. */
        public String bitsTag() {
            return this == INT8 ? "int8" : "int6";
        }
    }

    public static GolfQuantSettings of(Settings s) {
        Quant quant = Quant.of(s.choice("baton.golf.export.quant", "int8", "gptq-int6"), "baton.golf.export.quant =");
        String k = "baton.golf.gptq.";
        int matrixBits = s.wholeNumber(k + "matrix-bits");
        int embedBits = s.wholeNumber(k + "embed-bits");
        for (String key : new String[] {"matrix-bits", "embed-bits"}) {
            int b = s.wholeNumber(k + key);
            if (b != 6 && b != 8) {
                throw new BatonConfigException(k + key + " = " + b + " must be 6 or 8");
            }
        }
        GptqConfig config;
        try {
            config = new GptqConfig(matrixBits, embedBits, s.number(k + "matrix-clip-sigmas"),
                    s.number(k + "embed-clip-sigmas"), s.number(k + "damp"), s.flag(k + "act-order"),
                    s.wholeNumber(k + "block-size"), s.flag(k + "clip-search"), s.wholeNumber(k + "keep-float-max-numel"),
                    s.wholeNumber(k + "calibration-batches"), s.wholeNumber(k + "byte-shuffle"), s.flag(k + "pack-int6"));
        } catch (IllegalArgumentException e) {
            throw new BatonConfigException("baton.golf.gptq: " + e.getMessage());
        }
        return new GolfQuantSettings(quant, config);
    }

    /** The same settings with the quantisation named on the command line ({@code --quant}), if any. */
    public GolfQuantSettings withQuant(String label) {
        return label == null ? this : new GolfQuantSettings(Quant.of(label, "--quant"), gptq);
    }
}
