package dev.baton.runtime.train;

/**
 * One line of the loss log: the state after {@code step} completed steps (numbered as the record's
 * log: {@code step} = steps done), so the initial validation is step 0.
 *
 * @param trainLoss   training loss per token of the step just done (MTP-weighted, as the record
 *                    trains); NaN on the step-0 line
 * @param valLoss     validation loss after it, NaN when this step did not validate
 * @param lrFactor    the lr factor the step used (the record's get_lr)
 * @param tokens      training tokens consumed so far
 * @param elapsedMillis training time so far (validation and checkpoints excluded, as the record times)
 */
public record StepRecord(int step, double trainLoss, double valLoss, double lrFactor, long tokens, long elapsedMillis) {
    /** The JSON line: NaN losses become null; doubles keep every digit so equal runs give equal lines. */
    public String toJson() {
        return "{\"step\": " + step + ", \"train_loss\": " + number(trainLoss) + ", \"val_loss\": " + number(valLoss)
                + ", \"lr\": " + number(lrFactor) + ", \"tokens\": " + tokens + ", \"elapsed_ms\": " + elapsedMillis + "}";
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "null" : Double.toString(v);
    }
}
