package dev.baton.runtime.optim;

/** How a parameter's gradient travels between ranks and who computes its update. */
public enum Comms {
    /** Reduce-scatter; each rank updates its own matrices or rows; all-gather the result. */
    SHARDED,
    /** All-reduce; every rank computes the same whole update. */
    REPLICATED
}
