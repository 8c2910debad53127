package dev.baton.actors.collective;

/** How a reduction combines the ranks' values: their sum, or their sum divided by W (NCCL's avg). */
public enum ReduceOp {
    SUM, AVG
}
