package dev.baton.actors.run;

import dev.baton.actors.worker.WorkerReply;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** The replies of one coordinator phase: the first reply of the awaited type from each rank, and who is still missing. */
final class RankReplies<R extends WorkerReply> {
    private final Class<R> type;
    private final List<R> got;
    private int count;

    RankReplies(Class<R> type, int world) {
        this.type = type;
        this.got = new ArrayList<>(world);
        for (int r = 0; r < world; r++) {
            got.add(null);
        }
    }

    /** Keeps {@code reply} if it has the awaited type and is its rank's first; true once every rank has answered. */
    boolean accept(WorkerReply reply) {
        if (type.isInstance(reply) && got.get(reply.rank()) == null) {
            got.set(reply.rank(), type.cast(reply));
            return ++count == got.size();
        }
        return false;
    }

    /** The replies by rank (complete once {@link #accept} returned true). */
    List<R> byRank() {
        return got;
    }

    /** The names of the ranks that have not answered. */
    List<String> missing(IntFunction<String> name) {
        List<String> missing = new ArrayList<>();
        for (int r = 0; r < got.size(); r++) {
            if (got.get(r) == null) {
                missing.add(name.apply(r));
            }
        }
        return missing;
    }
}
