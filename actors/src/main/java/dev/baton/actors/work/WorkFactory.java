package dev.baton.actors.work;

import dev.baton.actors.plan.ParamLayout;
import dev.baton.actors.plan.ShardPlan;

import java.util.List;

/** Creates each device's work; the run calls it once per rank, on that rank's worker thread. */
public interface WorkFactory {
    /** The layouts of every parameter for a world of {@code world} devices (padding as the plan needs). */
    List<ParamLayout> layouts(int world);

    /** The work of {@code rank}: its device, replica, optimizer shard and gradient buffers. */
    DeviceWork create(int rank, ShardPlan plan);
}
