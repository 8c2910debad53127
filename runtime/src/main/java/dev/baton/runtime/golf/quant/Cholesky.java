package dev.baton.runtime.golf.quant;

/**
 * The dense linear algebra GPTQ needs, in float64 on the host: the Cholesky factor of a symmetric
 * positive-definite matrix, the inverse through it, and the upper factor of that inverse (the
 * matrix whose rows GPTQ reads for its error feedback). Matrices are row-major {@code n x n}.
 */
final class Cholesky {
    private Cholesky() {
    }

    /** Lower {@code L} with {@code L Lᵀ = a}; throws {@link NotPositiveDefinite} when a pivot is not positive. */
    static double[] lower(double[] a, int n) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double d = a[j * n + j];
            for (int k = 0; k < j; k++) {
                d -= l[j * n + k] * l[j * n + k];
            }
            if (!(d > 0)) {
                throw new NotPositiveDefinite(j);
            }
            double djj = Math.sqrt(d);
            l[j * n + j] = djj;
            for (int i = j + 1; i < n; i++) {
                double s = a[i * n + j];
                int ri = i * n;
                int rj = j * n;
                for (int k = 0; k < j; k++) {
                    s -= l[ri + k] * l[rj + k];
                }
                l[ri + j] = s / djj;
            }
        }
        return l;
    }

    /** {@code a⁻¹} from {@code a}'s lower factor: {@code L⁻ᵀ L⁻¹}. */
    static double[] inverse(double[] l, int n) {
        // mt = (L⁻¹)ᵀ, row c holding column c of L⁻¹, so that both loops below read memory in order
        double[] mt = new double[n * n];
        for (int c = 0; c < n; c++) {
            int rc = c * n;
            mt[rc + c] = 1.0 / l[c * n + c];
            for (int i = c + 1; i < n; i++) {
                double s = 0;
                int ri = i * n;
                for (int k = c; k < i; k++) {
                    s -= l[ri + k] * mt[rc + k];
                }
                mt[rc + i] = s / l[ri + i];
            }
        }
        // inv[i][j] = Σ_k L⁻¹[k][i] L⁻¹[k][j] over k >= max(i, j), symmetric
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                int ri = i * n;
                int rj = j * n;
                for (int k = i; k < n; k++) {
                    s += mt[ri + k] * mt[rj + k];
                }
                inv[i * n + j] = s;
                inv[j * n + i] = s;
            }
        }
        return inv;
    }

    /** Upper {@code U} with {@code Uᵀ U = a}: the transpose of the lower factor. */
    static double[] upper(double[] a, int n) {
        double[] l = lower(a, n);
        double[] u = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                u[j * n + i] = l[i * n + j];
            }
        }
        return u;
    }

    /** A pivot was not positive: the matrix is not positive definite (e.g. too little damping). */
    static final class NotPositiveDefinite extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotPositiveDefinite(int column) {
            super("the matrix is not positive definite at column " + column, null, false, false);
        }
    }
}
