package dev.baton.actors.scheduler;

/** Which optimizer updates a parameter; Adam parameters are skipped on steps that are not Adam steps. */
public enum OptimizerKind {
    ADAM, NORMUON
}
