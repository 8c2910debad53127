package dev.baton.actors.run;

import dev.baton.actors.work.BatchSource;
import dev.baton.actors.work.StepSchedule;
import dev.baton.actors.work.WorkFactory;
import dev.baton.runtime.optim.ParamTable;

/**
 * What a run trains: the per-device work, the data, the param table (labels = the parameter
 * names of the work's layouts; its scatter and work orders are the defaults, its tie is the
 * run's) and the step schedule. The lead plugs the real model, optimizer and loader in here
 * (see {@code dev.baton.actors.training}); tests plug a stand-in.
 */
public record Workload(WorkFactory work, BatchSource data, ParamTable table, StepSchedule schedule) {
}
