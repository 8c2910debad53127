package dev.baton.runtime.data.prepare;

import dev.baton.runtime.data.ShardMeta;
import dev.baton.runtime.report.ReadableUnits;

import java.nio.file.Path;

/** The outcome of one preparation: what was recorded in meta.json, where, and how long it took. */
public record PrepareSummary(Path outputDir, ShardMeta meta, double seconds) {
    public double tokensPerSecond() {
        return seconds > 0 ? meta.tokens() / seconds : 0;
    }

    /** One line for the console. */
    public String describe() {
        return "prepared " + ReadableUnits.count(meta.documents()) + " documents ("
                + ReadableUnits.count(meta.trainDocuments()) + " train, " + ReadableUnits.count(meta.valDocuments())
                + " val), " + ReadableUnits.count(meta.tokens()) + " " + meta.tokenizer() + " tokens from "
                + ReadableUnits.bytes(meta.textBytes()) + " of text in " + ReadableUnits.duration(seconds) + " ("
                + ReadableUnits.compact(tokensPerSecond()) + " tokens/s) into " + outputDir + " ("
                + meta.trainShards().size() + " train + " + meta.valShards().size() + " val shards)";
    }
}
