package dev.baton.runtime.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Which of the model's layers have which features: the record's architecture as configuration.
 * Every bank and gate-bank index is derived from here (never hard-coded), so any layer count works.
 *
 * @param numLayers      number of blocks; every block has an MLP
 * @param attentionless  blocks without attention (record: 6)
 * @param pairedHead     blocks with paired-head attention (record: 0, 2, 5, 9)
 * @param longWindow     blocks using the long window, the others the short one (record: 3, 10)
 * @param keyOffset      blocks with the partial key offset (record: the long-window blocks)
 * @param valueEmbed     per block, the value-embedding table it adds to v, or -1 (record:
 *                       1, 2, -, -, -, -, -, -, 0, 1, 2)
 * @param skipIn         blocks whose output is pushed on the skip stack (record: 3)
 * @param skipOut        blocks that pop the stack and add the gated skip to their input (record: 6)
 * @param backoutLayer   block whose output is backed out of the final state, or -1 (record: 7)
 */
public record LayerLayout(int numLayers, List<Integer> attentionless, List<Integer> pairedHead,
                          List<Integer> longWindow, List<Integer> keyOffset, List<Integer> valueEmbed,
                          List<Integer> skipIn, List<Integer> skipOut, int backoutLayer) {

    public LayerLayout {
        attentionless = sorted(attentionless, numLayers, "attentionless");
        pairedHead = sorted(pairedHead, numLayers, "pairedHead");
        longWindow = sorted(longWindow, numLayers, "longWindow");
        keyOffset = sorted(keyOffset, numLayers, "keyOffset");
        skipIn = sorted(skipIn, numLayers, "skipIn");
        skipOut = sorted(skipOut, numLayers, "skipOut");
        valueEmbed = List.copyOf(valueEmbed);
        if (valueEmbed.size() != numLayers) {
            throw new IllegalArgumentException("valueEmbed names " + valueEmbed.size() + " layers, expected " + numLayers);
        }
        for (int i = 0; i < numLayers; i++) {
            boolean attn = !attentionless.contains(i);
            if (!attn && (pairedHead.contains(i) || keyOffset.contains(i) || valueEmbed.get(i) >= 0)) {
                throw new IllegalArgumentException("layer " + i + " has no attention but a paired-head, key-offset "
                        + "or value-embedding setting");
            }
        }
        if (backoutLayer < -1 || backoutLayer >= numLayers) {
            throw new IllegalArgumentException("backout layer " + backoutLayer + " outside [0, " + numLayers + ")");
        }
        skipSources(numLayers, skipIn, skipOut);
    }

    /** The record's 11-layer layout (PR #200). */
    public static LayerLayout record() {
        return new LayerLayout(11, List.of(6), List.of(0, 2, 5, 9), List.of(3, 10), List.of(3, 10),
                List.of(1, 2, -1, -1, -1, -1, -1, -1, 0, 1, 2), List.of(3), List.of(6), 7);
    }

    /**
     * A 4-layer layout that still exercises every feature, for fast tests: paired heads with a value
     * embedding (0), a long window with key offset and value embedding (1), a block without attention
     * that receives the skip (2), a plain short-window block with a value embedding (3); backout after 2.
     */
    public static LayerLayout micro() {
        return new LayerLayout(4, List.of(2), List.of(0), List.of(1), List.of(1), List.of(0, 1, -1, 0),
                List.of(1), List.of(2), 2);
    }

    public boolean hasAttention(int layer) {
        return !attentionless.contains(layer);
    }

    public boolean isPaired(int layer) {
        return pairedHead.contains(layer);
    }

    public boolean isLongWindow(int layer) {
        return longWindow.contains(layer);
    }

    public boolean hasKeyOffset(int layer) {
        return keyOffset.contains(layer);
    }

    /** Number of blocks with attention: the first dimension of {@code attn_bank} and {@code attn_gate_bank}. */
    public int attentionLayers() {
        return numLayers - attentionless.size();
    }

    /** Index of a block in {@code attn_bank}/{@code attn_gate_bank}: its rank among attention blocks. */
    public int attentionIndex(int layer) {
        if (!hasAttention(layer)) {
            throw new IllegalArgumentException("layer " + layer + " has no attention");
        }
        int idx = 0;
        for (int i = 0; i < layer; i++) {
            if (hasAttention(i)) {
                idx++;
            }
        }
        return idx;
    }

    /** Number of blocks with a value embedding: the first dimension of {@code ve_gate_bank}. */
    public int valueEmbedLayers() {
        return (int) valueEmbed.stream().filter(v -> v >= 0).count();
    }

    /** Index of a block in {@code ve_gate_bank}: its rank among blocks with a value embedding, or -1. */
    public int valueGateIndex(int layer) {
        if (valueEmbed.get(layer) < 0) {
            return -1;
        }
        int idx = 0;
        for (int i = 0; i < layer; i++) {
            if (valueEmbed.get(i) >= 0) {
                idx++;
            }
        }
        return idx;
    }

    /** Number of value-embedding tables ({@code value_embeds.0..n-1}). */
    public int valueEmbedTables() {
        return valueEmbed.stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    }

    /** For each block, the block whose output its input receives through the skip gate, or -1. */
    public int[] skipSources() {
        return skipSources(numLayers, skipIn, skipOut);
    }

    private static int[] skipSources(int numLayers, List<Integer> skipIn, List<Integer> skipOut) {
        int[] src = new int[numLayers];
        Arrays.fill(src, -1);
        Deque<Integer> stack = new ArrayDeque<>();
        for (int i = 0; i < numLayers; i++) {
            if (skipOut.contains(i)) {
                if (stack.isEmpty()) {
                    throw new IllegalArgumentException("skip out at layer " + i + " has no earlier skip in");
                }
                src[i] = stack.pop();
            }
            if (skipIn.contains(i)) {
                stack.push(i);
            }
        }
        if (!stack.isEmpty()) {
            throw new IllegalArgumentException("skip in at layers " + stack + " never consumed");
        }
        return src;
    }

    private static List<Integer> sorted(List<Integer> layers, int numLayers, String what) {
        List<Integer> s = new ArrayList<>(layers);
        s.sort(null);
        for (int i : s) {
            if (i < 0 || i >= numLayers) {
                throw new IllegalArgumentException(what + " layer " + i + " outside [0, " + numLayers + ")");
            }
        }
        return List.copyOf(s);
    }
}
