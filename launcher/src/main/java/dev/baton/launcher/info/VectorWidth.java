package dev.baton.launcher.info;

/**
 * The preferred SIMD width of the Java Vector API, which the CPU backend computes with; the
 * incubator module is present only when the JVM was started with
 * {@code --add-modules=jdk.incubator.vector} (bin/baton does).
 */
final class VectorWidth {
    private static final String MODULE = "jdk.incubator.vector";

    private VectorWidth() {
    }

    static String describe() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return "Vector API off (start java with --add-modules=" + MODULE + ")";
        }
        return Species.describe();
    }

    /** Loaded only when the module is present, so that its absence is a message, not an error. */
    private static final class Species {
        static String describe() {
            var species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
            return "Vector API " + species.vectorBitSize() + "-bit (" + species.length() + " floats per vector)";
        }
    }
}
