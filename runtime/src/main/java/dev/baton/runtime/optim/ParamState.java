package dev.baton.runtime.optim;

/** The optimizer state one rank keeps for its slice of one parameter; owns its device buffers. */
public sealed interface ParamState extends AutoCloseable permits AdamState, NorMuonState {
    @Override
    void close();
}
