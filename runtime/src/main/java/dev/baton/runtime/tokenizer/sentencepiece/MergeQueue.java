package dev.baton.runtime.tokenizer.sentencepiece;

import java.util.Arrays;

/**
 * The BPE agenda: candidate merges of adjacent symbols, best first. Order as sentencepiece's
 * priority queue: higher piece score first, on equal scores the leftmost pair first. A binary heap
 * over parallel primitive arrays, so that segmenting long texts allocates no object per candidate.
 */
final class MergeQueue {
    private float[] score = new float[64];
    private int[] left = new int[64];
    private int[] right = new int[64];
    private int[] size = new int[64];
    private int count;

    boolean isEmpty() {
        return count == 0;
    }

    void push(float s, int l, int r, int length) {
        if (count == score.length) {
            int n = count * 2;
            score = Arrays.copyOf(score, n);
            left = Arrays.copyOf(left, n);
            right = Arrays.copyOf(right, n);
            size = Arrays.copyOf(size, n);
        }
        int i = count++;
        set(i, s, l, r, length);
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(i, parent)) {
                break;
            }
            swap(i, parent);
            i = parent;
        }
    }

    float topScore() {
        return score[0];
    }

    int topLeft() {
        return left[0];
    }

    int topRight() {
        return right[0];
    }

    int topSize() {
        return size[0];
    }

    void pop() {
        count--;
        if (count == 0) {
            return;
        }
        set(0, score[count], left[count], right[count], size[count]);
        int i = 0;
        while (true) {
            int best = i;
            int a = 2 * i + 1;
            int b = a + 1;
            if (a < count && before(a, best)) {
                best = a;
            }
            if (b < count && before(b, best)) {
                best = b;
            }
            if (best == i) {
                return;
            }
            swap(i, best);
            i = best;
        }
    }

    private boolean before(int a, int b) {
        return score[a] > score[b] || (score[a] == score[b] && left[a] < left[b]);
    }

    private void set(int i, float s, int l, int r, int length) {
        score[i] = s;
        left[i] = l;
        right[i] = r;
        size[i] = length;
    }

    private void swap(int a, int b) {
        float s = score[a];
        int l = left[a];
        int r = right[a];
        int z = size[a];
        set(a, score[b], left[b], right[b], size[b]);
        set(b, s, l, r, z);
    }
}
