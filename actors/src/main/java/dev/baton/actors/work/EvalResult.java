package dev.baton.actors.work;

/** Summed evaluation loss and the number of tokens it covers; ranks' results add up. */
public record EvalResult(double lossSum, long tokens) {
    public EvalResult plus(EvalResult o) {
        return new EvalResult(lossSum + o.lossSum, tokens + o.tokens);
    }

    public double meanLoss() {
        return tokens == 0 ? Double.NaN : lossSum / tokens;
    }
}
