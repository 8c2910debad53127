package dev.baton.actors.stream;

/**
 * The label of one stream command: which step, what it does, on which parameter(s), how many
 * bytes it moves (communication only) and, for collectives, the sequence number that matches
 * it with the same collective on every other rank. The recorder and error messages use it.
 *
 * @param step       the training step, or -1 outside steps (checkpoint load, evaluation)
 * @param kind       what the command does
 * @param param      parameter name, several joined by '+', or "" when none
 * @param bytes      bytes moved over the link by this rank (ring formula), 0 for compute
 * @param collective the communicator's sequence number, or -1 for a non-collective command
 */
public record CommandInfo(long step, CommandKind kind, String param, long bytes, long collective) {
    public CommandInfo {
        if (param == null) {
            param = "";
        }
    }

    /** A compute command without bytes or collective number. */
    public static CommandInfo compute(long step, CommandKind kind, String param) {
        return new CommandInfo(step, kind, param, 0, -1);
    }

    /** Short human form for error messages, e.g. "reduce_scatter attn (step 12)". */
    public String describe() {
        StringBuilder b = new StringBuilder(kind.wireName());
        if (!param.isEmpty()) {
            b.append(' ').append(param);
        }
        if (step >= 0) {
            b.append(" (step ").append(step).append(')');
        }
        return b.toString();
    }
}
