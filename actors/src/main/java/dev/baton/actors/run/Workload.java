package dev.baton.actors.run;

import dev.baton.actors.scheduler.ParamEntry;
import dev.baton.actors.work.BatchSource;
import dev.baton.actors.work.StepSchedule;
import dev.baton.actors.work.TiedPair;
import dev.baton.actors.work.WorkFactory;

import java.util.List;

/**
 * What a run trains: the per-device work, the data, the param table (in the record's scatter
 * order), the tied pair (null if none) and the step schedule. The lead plugs the real model,
 * optimizer and loader in here; tests plug a stand-in.
 */
public record Workload(WorkFactory work, BatchSource data, List<ParamEntry> table, TiedPair tie, StepSchedule schedule) {
    public Workload {
        table = List.copyOf(table);
    }
}
