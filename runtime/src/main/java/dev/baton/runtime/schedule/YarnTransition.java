package dev.baton.runtime.schedule;

/**
 * A change of the long attention window (in blocks) that YaRN must apply to the rotary tables
 * and the attention scale before the forward pass of the step that introduces it.
 */
public record YarnTransition(int oldLongBlocks, int newLongBlocks) {
}
