package dev.baton.actors.replay;

import dev.baton.actors.scheduler.ScheduleOrders;

/** Orders (full, every label of the param table) and the step time the model predicts for them. */
public record Candidate(ScheduleOrders orders, double predictedMicros) {
    /** "param a,b,c | work c,b,a | groups a+b" for tables. */
    public String describe() {
        return OrderText.describe(orders);
    }
}
