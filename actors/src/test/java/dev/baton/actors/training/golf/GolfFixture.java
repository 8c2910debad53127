package dev.baton.actors.training.golf;

import dev.baton.runtime.data.ShardSet;
import dev.baton.runtime.data.ShardWriter;
import dev.baton.runtime.model.golf.GolfConfig;
import dev.baton.runtime.optim.MuonAndAdamConfig;
import dev.baton.runtime.schedule.WallClockWarmdown;
import dev.baton.runtime.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The micro golf configuration the actor tests train: 3 blocks of width 16, 4 heads over 2 KV
 * heads, byte260 vocabulary; banks of 6 (16×16), 6 (8×16), 3 (32×16) and 3 (16×32) matrices, so
 * W = 2 and 4 split some banks unevenly and leave one rank without an MLP matrix. Every step reads
 * 4 slices of 2 sequences of 16 tokens; a short momentum warm-up and a warm-down over the last 3
 * of 5 steps make every step's lr and momentum differ.
 */
final class GolfFixture {
    static final GolfConfig MODEL = GolfConfig.of(260, 3, 16, 4, 2, 2);
    static final MuonAndAdamConfig OPTIM = new MuonAndAdamConfig(0.04, 0.04, 0.05, 0.95, 0.85, 3, 5, 0.9, 0.95, 1e-8);
    static final WallClockWarmdown WARMDOWN = new WallClockWarmdown(3, 0, 5);
    static final int STEPS = 5;
    static final int SEQ = 16;
    static final int SLICES = 4;
    static final int TOKENS_PER_STEP = SLICES * 2 * SEQ;
    static final int MAX_TOKENS = 4 * SEQ;
    static final long SEED = 2026;
    static final int STRIDE = 6;

    private GolfFixture() {
    }

    /** Generated words, byte260-encoded as documents: train shards and a validation stream. */
    record Corpus(ShardSet train, int[] validation) {
    }

    static Corpus corpus(Path dir) {
        Tokenizer bytes = Tokenizer.named("byte260");
        String[] words = {"the", "light", "and", "darkness", "was", "upon", "face", "of", "deep", "God", "said", "let",
                "there", "be", "waters", "earth", "heaven", "day", "night", "good"};
        Random r = new Random(7);
        List<Integer> train = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        for (int doc = 0; doc < 60; doc++) {
            StringBuilder s = new StringBuilder();
            int n = 5 + r.nextInt(12);
            for (int w = 0; w < n; w++) {
                s.append(w == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
            }
            for (int id : bytes.encodeDocument(s.append('.').toString())) {
                (doc < 48 ? train : val).add(id);
            }
        }
        Path shard = ShardWriter.write(dir.resolve("golf_train_000000.bin"), train.stream().mapToInt(i -> i).toArray());
        return new Corpus(ShardSet.of(List.of(shard)), val.stream().mapToInt(i -> i).toArray());
    }
}
