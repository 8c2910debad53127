package dev.baton.actors.stream;

/**
 * What a stream command does; the wire name is what the trace and the schedule file show, so
 * the replay tool can tell compute from communication without knowing Java names.
 */
public enum CommandKind {
    FORWARD_BACKWARD("forward_backward", false),
    COMBINE_TIED("combine_tied", false),
    REDUCE_SCATTER("reduce_scatter", true),
    ALL_REDUCE("all_reduce", true),
    ALL_GATHER("all_gather", true),
    BROADCAST("broadcast", true),
    /** Several collectives fused into one launch (one latency), like an NCCL group. */
    COLLECTIVE_GROUP("collective_group", true),
    UPDATE("update", false),
    SYNC_TIED("sync_tied", false),
    UNTIE_PACK("untie_pack", false),
    UNTIE_APPLY("untie_apply", false),
    CLEAR_GRADS("clear_grads", false),
    LOSS("loss", false),
    EVALUATE("evaluate", false),
    CHECKPOINT_SAVE("checkpoint_save", false),
    CHECKPOINT_LOAD("checkpoint_load", false),
    /** A command of a test or a backend that fits none of the above. */
    OTHER("other", false);

    private final String wireName;
    private final boolean communication;

    CommandKind(String wireName, boolean communication) {
        this.wireName = wireName;
        this.communication = communication;
    }

    public String wireName() {
        return wireName;
    }

    /** True for commands that move data between devices. */
    public boolean communication() {
        return communication;
    }

    /** The kind with this wire name; a clear error for an unknown one. */
    public static CommandKind fromWireName(String name) {
        for (CommandKind k : values()) {
            if (k.wireName.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown command kind '" + name + "'");
    }
}
