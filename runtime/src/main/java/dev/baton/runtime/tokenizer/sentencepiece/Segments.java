package dev.baton.runtime.tokenizer.sentencepiece;

import java.util.Arrays;

/** The pieces a segmenter cut from a normalised text: byte ranges of that text and their ids, in order. */
final class Segments {
    private int[] starts = new int[16];
    private int[] lengths = new int[16];
    private int[] ids = new int[16];
    private int count;

    void add(int start, int length, int id) {
        if (count == ids.length) {
            starts = Arrays.copyOf(starts, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
            ids = Arrays.copyOf(ids, count * 2);
        }
        starts[count] = start;
        lengths[count] = length;
        ids[count] = id;
        count++;
    }

    int count() {
        return count;
    }

    int start(int i) {
        return starts[i];
    }

    int length(int i) {
        return lengths[i];
    }

    int id(int i) {
        return ids[i];
    }
}
