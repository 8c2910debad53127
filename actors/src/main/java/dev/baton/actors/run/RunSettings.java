package dev.baton.actors.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.baton.actors.collective.LinkModel;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.stream.Delays;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The knobs of a run of the actor runtime, bound from the Baton configuration by
 * {@link #fromConfig} (keys documented in the conf module's reference.conf) or built in code.
 *
 * @param world           devices (W)
 * @param steps           total training steps; the run ends when step {@code steps - 1} is done
 * @param orders          param order, work order, collective groups; null = the param table's order
 * @param link            the simulated interconnect of CPU devices
 * @param stepTimeout     the longest the coordinator waits for all workers in any phase
 * @param waitTimeout     the longest a stream waits for an event or a collective for its peers
 * @param checkpointDir   where checkpoints go; null = no checkpoints
 * @param checkpointEvery a checkpoint each this many steps (0 = only at the end / on stop)
 * @param keepCheckpoints complete checkpoints kept (0 = all)
 * @param checkpointAtEnd a checkpoint after the last step and when stopped on request
 * @param resume          continue from the latest checkpoint in {@code checkpointDir} when there is one
 * @param resumeFrom      continue from this checkpoint directory (overrides {@code resume})
 * @param initFrom        a fresh run starts from the weights of this file or checkpoint folder; null = the seed's
 * @param evalEvery       evaluation each this many steps and of the initial model (0 = none but at the end
 *                        if {@code evalAtEnd})
 * @param traceDir        where traced steps are written; null = no traces
 * @param traceEvery      trace each this many steps (0 = none)
 * @param traceSteps      trace at most this many steps of the run (0 = no limit)
 * @param configText      the run's resolved configuration, written into every checkpoint; null = none
 * @param delaySeed       seed of injected random delays (tests)
 * @param maxDelay        longest injected delay; zero = none
 */
public record RunSettings(int world, long steps, ScheduleOrders orders, LinkModel link, Duration stepTimeout,
                          Duration waitTimeout, Path checkpointDir, int checkpointEvery, int keepCheckpoints,
                          boolean checkpointAtEnd, boolean resume, Path resumeFrom, Path initFrom, int evalEvery,
                          boolean evalAtEnd, Path traceDir, int traceEvery, int traceSteps, String configText,
                          long delaySeed, Duration maxDelay) {
    public RunSettings {
        if (world < 1) {
            throw new IllegalArgumentException("baton.devices.count must be at least 1, got " + world);
        }
        if (steps < 0 || checkpointEvery < 0 || evalEvery < 0 || traceEvery < 0 || traceSteps < 0 || keepCheckpoints < 0) {
            throw new IllegalArgumentException("baton.run / baton.trace: steps and the 'every'/'keep'/'steps' counts "
                    + "must not be negative");
        }
    }

    /** W devices, {@code steps} steps, no link, generous timeouts, no checkpoints, evaluation or traces. */
    public static RunSettings defaults(int world, long steps) {
        return new RunSettings(world, steps, null, LinkModel.NONE, Duration.ofSeconds(120), Duration.ofSeconds(60),
                null, 0, 2, true, false, null, null, 0, false, null, 0, 0, null, 0, Duration.ZERO);
    }

    /**
     * Binds the run's keys of a resolved Baton configuration (conf module, reference.conf):
     * {@code devices.count × cluster.nodes}, {@code devices.link-*}, {@code optim.scatter-order /
     * work-order / collective-groups}, {@code optim.schedule.scheduled-steps + extension-steps},
     * {@code run.checkpoint-*}, {@code run.resume(-from)}, {@code run.val-every},
     * {@code run.*-timeout-s}, {@code trace.enabled / output / every / steps}. Validation runs
     * every {@code val-every} steps and always after the last step, as the record's.
     */
    public static RunSettings fromConfig(Config root) {
        Config b = root.getConfig("baton");
        try {
            List<List<String>> groups = new ArrayList<>();
            for (Object g : b.getList("optim.collective-groups").unwrapped()) {
                List<String> group = new ArrayList<>();
                for (Object p : (List<?>) g) {
                    group.add(String.valueOf(p));
                }
                groups.add(group);
            }
            ScheduleOrders orders = new ScheduleOrders(b.getStringList("optim.scatter-order"),
                    b.getStringList("optim.work-order"), groups);
            int world = b.getInt("devices.count") * b.getInt("cluster.nodes");
            long steps = b.getLong("optim.schedule.scheduled-steps") + b.getLong("optim.schedule.extension-steps");
            LinkModel link = new LinkModel(b.getLong("devices.link-latency-us") * 1000,
                    b.getDouble("devices.link-bandwidth-gb-per-s") * 1e9);
            boolean trace = b.getBoolean("trace.enabled");
            return new RunSettings(world, steps, orders, link, Duration.ofSeconds(b.getLong("run.step-timeout-s")),
                    Duration.ofSeconds(b.getLong("run.wait-timeout-s")), path(b.getString("run.checkpoint-dir")),
                    b.getInt("run.checkpoint-every"), b.getInt("run.checkpoint-keep"), true, b.getBoolean("run.resume"),
                    path(b.getString("run.resume-from")), null, b.getInt("run.val-every"), true,
                    trace ? path(b.getString("trace.output")) : null, trace ? b.getInt("trace.every") : 0,
                    b.getInt("trace.steps"), null, 0, Duration.ZERO);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("configuration error: " + e.getMessage(), e);
        }
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    public Delays delays() {
        return maxDelay.isZero() ? Delays.NONE : new Delays(delaySeed, maxDelay.toNanos());
    }

    public RunSettings withWorld(int w) {
        return new RunSettings(w, steps, orders, link, stepTimeout, waitTimeout, checkpointDir, checkpointEvery,
                keepCheckpoints, checkpointAtEnd, resume, resumeFrom, initFrom, evalEvery, evalAtEnd, traceDir, traceEvery,
                traceSteps, configText, delaySeed, maxDelay);
    }

    public RunSettings withOrders(ScheduleOrders o) {
        return new RunSettings(world, steps, o, link, stepTimeout, waitTimeout, checkpointDir, checkpointEvery,
                keepCheckpoints, checkpointAtEnd, resume, resumeFrom, initFrom, evalEvery, evalAtEnd, traceDir, traceEvery,
                traceSteps, configText, delaySeed, maxDelay);
    }

    public RunSettings withLink(LinkModel l) {
        return new RunSettings(world, steps, orders, l, stepTimeout, waitTimeout, checkpointDir, checkpointEvery,
                keepCheckpoints, checkpointAtEnd, resume, resumeFrom, initFrom, evalEvery, evalAtEnd, traceDir, traceEvery,
                traceSteps, configText, delaySeed, maxDelay);
    }

    public RunSettings withTimeouts(Duration step, Duration wait) {
        return new RunSettings(world, steps, orders, link, step, wait, checkpointDir, checkpointEvery,
                keepCheckpoints, checkpointAtEnd, resume, resumeFrom, initFrom, evalEvery, evalAtEnd, traceDir, traceEvery,
                traceSteps, configText, delaySeed, maxDelay);
    }

    public RunSettings withCheckpoints(Path dir, int every) {
        return new RunSettings(world, steps, orders, link, stepTimeout, waitTimeout, dir, every,
                keepCheckpoints, checkpointAtEnd, resume, resumeFrom, initFrom, evalEvery, evalAtEnd, traceDir, traceEvery,
                traceSteps, configText, delaySeed, maxDelay);
    }

    public RunSettings withResumeFrom(Path dir) {
        return new RunSettings(world, steps, orders, link, stepTimeout, waitTimeout, checkpointDir, checkpointEvery,
                keepCheckpoints, checkpointAtEnd, resume, dir, initFrom, evalEvery, evalAtEnd, traceDir, traceEvery,
                traceSteps, configText, delaySeed, maxDelay);
    }

    public RunSettings withInitFrom(Path weights) {
        return new RunSettings(world, steps, orders, link, stepTimeout, waitTimeout, checkpointDir, checkpointEvery,
                keepCheckpoints, checkpointAtEnd, resume, resumeFrom, weights, evalEvery, evalAtEnd, traceDir, traceEvery,
                traceSteps, configText, delaySeed, maxDelay);
    }

    public RunSettings withEval(int every, boolean atEnd) {
        return new RunSettings(world, steps, orders, link, stepTimeout, waitTimeout, checkpointDir, checkpointEvery,
                keepCheckpoints, checkpointAtEnd, resume, resumeFrom, initFrom, every, atEnd, traceDir, traceEvery,
                traceSteps, configText, delaySeed, maxDelay);
    }

    public RunSettings withTrace(Path dir, int every, int limit) {
        return new RunSettings(world, steps, orders, link, stepTimeout, waitTimeout, checkpointDir, checkpointEvery,
                keepCheckpoints, checkpointAtEnd, resume, resumeFrom, initFrom, evalEvery, evalAtEnd, dir, every,
                limit, configText, delaySeed, maxDelay);
    }

    public RunSettings withConfigText(String text) {
        return new RunSettings(world, steps, orders, link, stepTimeout, waitTimeout, checkpointDir, checkpointEvery,
                keepCheckpoints, checkpointAtEnd, resume, resumeFrom, initFrom, evalEvery, evalAtEnd, traceDir, traceEvery,
                traceSteps, text, delaySeed, maxDelay);
    }

    public RunSettings withDelays(long seed, Duration max) {
        return new RunSettings(world, steps, orders, link, stepTimeout, waitTimeout, checkpointDir, checkpointEvery,
                keepCheckpoints, checkpointAtEnd, resume, resumeFrom, initFrom, evalEvery, evalAtEnd, traceDir, traceEvery,
                traceSteps, configText, seed, max);
    }
}
