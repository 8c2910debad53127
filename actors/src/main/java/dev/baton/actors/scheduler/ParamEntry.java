package dev.baton.actors.scheduler;

/** One row of the param table as the scheduler needs it: the parameter and its optimizer. */
public record ParamEntry(String name, OptimizerKind optimizer) {
    public static ParamEntry adam(String name) {
        return new ParamEntry(name, OptimizerKind.ADAM);
    }

    public static ParamEntry normuon(String name) {
        return new ParamEntry(name, OptimizerKind.NORMUON);
    }
}
