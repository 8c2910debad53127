package dev.baton.runtime.ops.cpu;

/** The logistic function in fp32, evaluated without overflow for large negative inputs. */
final class Sigmoid {
    private Sigmoid() {
    }

    static float of(float x) {
        if (x >= 0f) {
            return (float) (1.0 / (1.0 + Math.exp(-x)));
        }
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }
}
