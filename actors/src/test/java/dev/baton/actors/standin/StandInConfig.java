package dev.baton.actors.standin;

/**
 * Sizes and costs of the stand-in workload.
 *
 * @param bankLayers      used layers of the padded bank (2 matrices of (bankRows, bankCols) each)
 * @param wideMatrices    matrices of the unpadded bank (split unevenly when W does not divide it)
 * @param rows            rows of the row-sharded Adam parameter (uneven for most W)
 * @param dim             rows of lm_head = columns of embed
 * @param vocab           columns of lm_head = rows of embed = token range
 * @param fbNanos         pretend compute time of one forward+backward
 * @param updateNanos     pretend compute time of one parameter's update
 * @param failStep        step at which rank {@code failRank} throws in forward_backward (-1: never)
 */
public record StandInConfig(int bankLayers, int bankRows, int bankCols, int wideMatrices, int wideSize, int rows,
                            int rowCols, int replicated, int dim, int vocab, long fbNanos, long updateNanos,
                            long failStep, int failRank) {
    public static StandInConfig small() {
        return new StandInConfig(3, 4, 3, 10, 3, 10, 5, 7, 6, 16, 0, 0, -1, -1);
    }

    public StandInConfig withCosts(long fb, long update) {
        return new StandInConfig(bankLayers, bankRows, bankCols, wideMatrices, wideSize, rows, rowCols, replicated, dim,
                vocab, fb, update, failStep, failRank);
    }

    public StandInConfig failingAt(long step, int rank) {
        return new StandInConfig(bankLayers, bankRows, bankCols, wideMatrices, wideSize, rows, rowCols, replicated, dim,
                vocab, fbNanos, updateNanos, step, rank);
    }
}
