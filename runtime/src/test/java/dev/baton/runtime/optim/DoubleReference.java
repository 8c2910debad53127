package dev.baton.runtime.optim;

/**
 * Straightforward double-precision transcriptions of the record's Polar Express and NorMuon
 * variance normalisation (train_gpt.py), literal layout included (tall matrices transposed).
 */
final class DoubleReference {
    private DoubleReference() {
    }

    static double[][] polarExpress(double[][] g) {
        boolean tall = g.length > g[0].length;
        double[][] x = tall ? transpose(g) : copy(g);
        double norm = 0;
        for (double[] row : x) {
            for (double e : row) {
                norm += e * e;
            }
        }
        double den = Math.sqrt(norm) * (1 + 2e-2) + 1e-6;
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] /= den;
            }
        }
        for (double[] abc : PolarExpress.COEFFICIENTS) {
            double[][] a = mul(x, transpose(x));
            double[][] aa = mul(a, a);
            double[][] b = new double[a.length][a.length];
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a.length; j++) {
                    b[i][j] = abc[1] * a[i][j] + abc[2] * aa[i][j];
                }
            }
            double[][] bx = mul(b, x);
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x[0].length; j++) {
                    x[i][j] = abc[0] * x[i][j] + bx[i][j];
                }
            }
        }
        return tall ? transpose(x) : x;
    }

    /** One call of _apply_normuon_variance_reduction on one matrix; updates {@code second} in place. */
    static double[][] normalizeVariance(double[][] v, double[] second, double beta2) {
        int r = v.length, c = v[0].length;
        boolean perRow = r >= c;
        int stats = perRow ? r : c;
        int red = perRow ? c : r;
        double[] mean = new double[stats];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                mean[perRow ? i : j] += v[i][j] * v[i][j] / red;
            }
        }
        double normSq = 0;
        for (double m : mean) {
            normSq += m * red;
        }
        double norm = Math.sqrt(normSq);
        double[] step = new double[stats];
        double newSq = 0;
        for (int k = 0; k < stats; k++) {
            second[k] = second[k] + (1 - beta2) * (mean[k] - second[k]);
            step[k] = 1 / Math.sqrt(Math.max(second[k], 1e-10));
            newSq += mean[k] * red * step[k] * step[k];
        }
        double ratio = norm / Math.max(Math.sqrt(newSq), 1e-10);
        double[][] out = new double[r][c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out[i][j] = v[i][j] * step[perRow ? i : j] * ratio;
            }
        }
        return out;
    }

    static double[][] mul(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int p = 0; p < b.length; p++) {
                double av = a[i][p];
                for (int j = 0; j < b[0].length; j++) {
                    c[i][j] += av * b[p][j];
                }
            }
        }
        return c;
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    static double[][] matrix(float[] flat, int offset, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[i][j] = flat[offset + i * cols + j];
            }
        }
        return m;
    }

    /** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations. */
    static double[] symmetricEigenvalues(double[][] s) {
        double[][] a = copy(s);
        int n = a.length;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off < 1e-22) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1), sn = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - sn * akq;
                        a[k][q] = sn * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - sn * aqk;
                        a[q][k] = sn * apk + c * aqk;
                    }
                }
            }
        }
        double[] ev = new double[n];
        for (int i = 0; i < n; i++) {
            ev[i] = a[i][i];
        }
        return ev;
    }
}
