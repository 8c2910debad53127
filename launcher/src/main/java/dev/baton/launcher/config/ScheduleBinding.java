package dev.baton.launcher.config;

import dev.baton.conf.Settings;
import dev.baton.runtime.model.GptConfig;
import dev.baton.runtime.schedule.LrStep;
import dev.baton.runtime.schedule.MtpRule;
import dev.baton.runtime.schedule.ScheduleConfig;

import java.util.ArrayList;
import java.util.List;

import static dev.baton.launcher.config.ConfigErrors.require;
import static dev.baton.launcher.config.ConfigErrors.wrong;

/**
 * {@code baton.optim.schedule} (with {@code normuon.momentum} as the momentum plateau,
 * {@code adam.update-every} as the Adam cadence and the model's window block) onto
 * {@link ScheduleConfig}. Phase k of {@code lr-max} raises the plateau once step / scheduled
 * steps exceeds k / phases, as the record's get_lr; {@code mtp-weights} must be one of the
 * rules the schedule implements.
 */
public final class ScheduleBinding {
    private static final String S = "baton.optim.schedule.";
    private static final List<List<Double>> RECORD_MTP = List.of(List.of(1.0, 0.5, 0.25), List.of(1.0, 0.5), List.of(1.0));

    private ScheduleBinding() {
    }

    public static ScheduleConfig bind(Settings s, GptConfig model) {
        int scheduled = s.wholeNumber(S + "scheduled-steps");
        require(scheduled > 0, s, S + "scheduled-steps", "must be > 0");
        int extension = s.wholeNumber(S + "extension-steps");
        require(extension >= 0, s, S + "extension-steps", "must be >= 0");
        List<Double> lrMax = s.numbers(S + "lr-max");
        require(!lrMax.isEmpty() && lrMax.get(0) == 1.0, s, S + "lr-max",
                "the first phase's factor must be 1.0 (the base rates are adam.lr and normuon.lr)");
        List<LrStep> steps = new ArrayList<>();
        for (int k = 1; k < lrMax.size(); k++) {
            require(lrMax.get(k) > 0, s, S + "lr-max", "factors must be > 0");
            steps.add(new LrStep((double) k / lrMax.size(), lrMax.get(k)));
        }
        List<Integer> batch = s.wholeNumbers(S + "batch-tokens");
        require(!batch.isEmpty() && batch.stream().allMatch(b -> b > 0), s, S + "batch-tokens", "needs positive token counts");
        List<Integer> windows = s.wholeNumbers(S + "window-blocks");
        require(!windows.isEmpty() && windows.stream().allMatch(w -> w > 0), s, S + "window-blocks",
                "needs positive window sizes");
        double momentumMax = s.number("baton.optim.normuon.momentum");
        double momentumMin = s.number(S + "momentum-start");
        require(momentumMax > 0 && momentumMax < 1, s, "baton.optim.normuon.momentum", "must be in (0, 1)");
        require(momentumMin > 0 && momentumMin <= momentumMax, s, S + "momentum-start",
                "must be in (0, normuon.momentum = " + momentumMax + "]");
        int adamEvery = s.wholeNumber("baton.optim.adam.update-every");
        require(adamEvery >= 1, s, "baton.optim.adam.update-every", "must be >= 1");
        double untie = s.number(S + "untie-frac");
        require(untie >= 0 && untie <= 1, s, S + "untie-frac", "must be in [0, 1]");
        MtpRule mtp = mtpRule(s);
        return ConfigErrors.build("baton.optim.schedule", () -> new ScheduleConfig(scheduled, extension,
                s.number(S + "cooldown-frac"), steps, s.number(S + "lr-final"), batch, s.wholeNumber(S + "extension-batch-tokens"),
                windows, s.wholeNumber(S + "final-window-blocks"), s.wholeNumber(S + "validate-window-blocks"),
                model.blockSize(), untie, s.wholeNumber(S + "momentum-warmup-steps"),
                s.wholeNumber(S + "momentum-cooldown-steps"), momentumMin, momentumMax, mtp, adamEvery));
    }

    private static MtpRule mtpRule(Settings s) {
        List<List<Double>> phases = new ArrayList<>();
        for (Object phase : (List<?>) s.raw(S + "mtp-weights").unwrapped()) {
            List<Double> w = new ArrayList<>();
            for (Object x : (List<?>) phase) {
                w.add(((Number) x).doubleValue());
            }
            phases.add(w);
        }
        if (phases.equals(RECORD_MTP)) {
            return MtpRule.RECORD;
        }
        if (!phases.isEmpty() && phases.stream().allMatch(p -> p.equals(List.of(1.0)))) {
            return MtpRule.NEXT_TOKEN;
        }
        throw wrong(s, S + "mtp-weights", "the schedule implements the record's " + RECORD_MTP
                + " (last weight falling to 0 within each phase) or [[1.0]] (next token only)");
    }
}
