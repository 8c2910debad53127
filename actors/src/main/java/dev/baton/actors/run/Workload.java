package dev.baton.actors.run;

import dev.baton.actors.checkpoint.WeightsLayout;
import dev.baton.actors.work.BatchSource;
import dev.baton.actors.work.StepSchedule;
import dev.baton.actors.work.WorkFactory;
import dev.baton.runtime.checkpoint.ModelFingerprint;
import dev.baton.runtime.optim.ParamTable;

/**
 * What a run trains: the per-device work, the data, the param table (labels = the names of the
 * work's layouts; its parameter names are the weights files'; its scatter and work orders are the
 * defaults, its tie is the run's), the step schedule, and the fingerprint of the model, which
 * checkpoints keep so that a resume with another model is refused naming what differs. The
 * launcher plugs the real model, optimizer and loader in here ({@code GptWorkFactory.workload});
 * tests plug a stand-in.
 */
public record Workload(WorkFactory work, BatchSource data, ParamTable table, StepSchedule schedule,
                       ModelFingerprint model) {
    /** A workload that does not describe its model (stand-ins): checkpoints of any such model resume. */
    public Workload(WorkFactory work, BatchSource data, ParamTable table, StepSchedule schedule) {
        this(work, data, table, schedule, ModelFingerprint.NONE);
    }

    /** How this workload's weights stand in checkpoints and {@code --init-from} files. */
    public WeightsLayout weights() {
        return WeightsLayout.of(table, work.layouts(1));
    }
}
