package dev.baton.actors.replay;

/**
 * The untie of the split step: the head's state packed on compute, all-gathered in one launch of
 * {@code gatherBytes}, then applied to the embedding on compute.
 */
public record UntieShape(String head, String embed, String gatherParam, long gatherBytes) {
    public UntieShape scaled(double factor) {
        return new UntieShape(head, embed, gatherParam, Math.round(gatherBytes * factor));
    }
}
