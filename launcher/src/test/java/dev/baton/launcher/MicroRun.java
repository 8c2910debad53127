package dev.baton.launcher;

import dev.baton.runtime.data.ShardWriter;
import dev.baton.runtime.tokenizer.Byte260Tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A training setup for command-line tests: byte260 shards of word salad in {@code dir} and a
 * configuration file for a micro model (4 layers with every feature of the record's layout,
 * d = 16) on 2 devices, working in {@code dir/work}.
 */
public final class MicroRun {
    private MicroRun() {
    }

    /**
     * Writes the shards ({@code docs} training documents) and {@code micro.conf} with
     * {@code scheduled} + {@code extension} steps; returns the configuration file.
     */
    public static Path prepare(Path dir, int docs, int scheduled, int extension) throws IOException {
        Byte260Tokenizer bytes = new Byte260Tokenizer();
        Random r = new Random(3);
        String[] words = {"and", "the", "of", "LORD", "said", "unto", "him", "them", "for", "in", "land", "he"};
        for (String split : new String[] {"train", "val"}) {
            List<Integer> ids = new ArrayList<>();
            for (int d = 0; d < (split.equals("train") ? docs : 20); d++) {
                StringBuilder doc = new StringBuilder();
                for (int w = 0; w < 8 + r.nextInt(8); w++) {
                    doc.append(words[r.nextInt(words.length)]).append(' ');
                }
                for (int id : bytes.encodeDocument(doc.toString())) {
                    ids.add(id);
                }
            }
            ShardWriter.write(dir.resolve("t_" + split + "_000000.bin"), ids.stream().mapToInt(Integer::intValue).toArray());
        }
        Path conf = dir.resolve("micro.conf");
        Files.writeString(conf, """
                baton {
                  model { vocab-size = 260, num-layers = 4, model-dim = 16, num-heads = 2, head-dim = 8, block-size = 4
                    layout { attention-less-layers = [2], paired-head-layers = [0], long-window-layers = [1],
                      key-offset-layers = [1], value-embeddings = [0, 1, -1, 0], skip-in = [1], skip-out = [2],
                      backout-layer = 2 } }
                  optim.schedule { scheduled-steps = SCHEDULED, extension-steps = EXTENSION, batch-tokens = [64, 96, 128],
                    extension-batch-tokens = 128, momentum-warmup-steps = 4, momentum-cooldown-steps = 2 }
                  data { source = files, train-files = "DIR/t_train_*.bin", val-files = "DIR/t_val_*.bin",
                    tokenizer = byte260, max-seq-len = 48, val-tokens = 128, val-batch-tokens = 64 }
                  run { work-dir = "DIR/work", val-every = 2, grad-accum-steps = 1, checkpoint-every = 4 }
                  devices { count = 2, cpu-threads = 1 }
                  trace.enabled = false
                }
                """.replace("DIR", dir.toString()).replace("SCHEDULED", Integer.toString(scheduled))
                .replace("EXTENSION", Integer.toString(extension)));
        return conf;
    }
}
