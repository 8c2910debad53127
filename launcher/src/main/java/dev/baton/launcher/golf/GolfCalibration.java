package dev.baton.launcher.golf;

import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.TokenStream;
import dev.baton.runtime.golf.quant.HessianCollector;
import dev.baton.runtime.model.golf.GolfGpt;
import dev.baton.runtime.ops.Ops;

import java.util.Map;

/**
 * GPTQ's calibration as the golf records run it: forwards of the model (holding the weights to be
 * exported) over batches of TRAINING tokens, never validation, each batch one training micro-batch,
 * read from the start of the training shards.
 */
final class GolfCalibration {
    private GolfCalibration() {
    }

    /** The Hessians of every matrix of {@code gpt} over {@code batches} micro-batches of {@code train}. */
    static Map<String, double[]> hessians(Ops ops, GolfGpt gpt, ShardSet train, int batchTokens, int batches) {
        TokenStream stream = new TokenStream(train);
        return HessianCollector.collect(ops, gpt, () -> stream.nextBatch(batchTokens, 1, 0, 1), batches);
    }
}
