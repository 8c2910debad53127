package dev.baton.runtime.optim;

/** Which update rule a parameter gets. */
public enum OptimizerKind {
    /** Element-wise Adam with bias correction and cautious weight decay. */
    ADAM,
    /** Momentum, Polar Express orthogonalisation and variance normalisation per matrix. */
    NORMUON
}
