package dev.baton.actors.replay;

/**
 * Where one stream of one worker spent the step (microseconds).
 *
 * @param busy       time running commands (a collective counts from this rank's arrival)
 * @param idle       step time minus busy
 * @param rendezvous comm only: time this rank sat in collectives waiting for the last rank to arrive
 * @param exposed    comm only: time the comm stream was busy while this rank's compute stream was idle
 */
public record LaneStats(int rank, String stream, int commands, double busy, double idle, double rendezvous,
                        double exposed) {
}
