package dev.baton.actors.plan;

import java.util.List;

/** The record's parameter layouts for tests of other packages. */
public final class ShardPlanTestLayouts {
    private ShardPlanTestLayouts() {
    }

    public static List<ParamLayout> record(int world) {
        return ShardPlanTest.record(world);
    }
}
