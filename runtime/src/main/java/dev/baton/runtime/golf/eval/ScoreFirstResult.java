package dev.baton.runtime.golf.eval;

import dev.baton.runtime.golf.bpb.BitsPerByte;

/**
 * What a {@link ScoreFirstEvaluator} pass gives: the score's sums, the chunks trained on after
 * being scored, and how often the n-gram counts took part (targets with a matching order, and the
 * mean mixing weight over those).
 */
public record ScoreFirstResult(BitsPerByte score, int chunks, int chunksTrained, long ngramMatched,
                               double meanAlpha) {
}
