package dev.baton.actors.replay;

import dev.baton.actors.stream.CommandKind;

/**
 * The untie of the split step: the head's state packed on compute, all-gathered in one launch of
 * {@code gatherBytes} (an all_gather, or a collective_group when the state has several tensors),
 * then applied to the embedding on compute.
 */
public record UntieShape(String head, String embed, CommandKind gatherKind, String gatherParam, long gatherBytes) {
    public UntieShape scaled(double factor) {
        return new UntieShape(head, embed, gatherKind, gatherParam, Math.round(gatherBytes * factor));
    }
}
