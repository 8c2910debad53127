package dev.baton.actors.cluster;

import com.typesafe.config.Config;
import dev.baton.actors.collective.LinkModel;
import dev.baton.actors.run.RunListener;
import dev.baton.actors.run.RunResult;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.run.StepReport;
import dev.baton.actors.run.Workload;
import dev.baton.actors.standin.StandInConfig;
import dev.baton.actors.standin.StandInData;
import dev.baton.actors.standin.StandInFactory;
import dev.baton.actors.standin.StandInRun;
import dev.baton.runtime.train.LossSum;
import dev.baton.actors.work.StepSchedule;
import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ConfigRequest;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One node of the cluster tests, run in its own JVM by {@link NodeProcess}: the {@code cluster}
 * profile with the arguments as {@code --set} assignments, the actors' stand-in workload, and
 * one line per event on stdout ("STEP 3 1.234...", "CHECKPOINT 4 dir", "RESULT COMPLETED 12 ...").
 * System properties: {@code test.fb-ms} (pretend compute per micro-batch), {@code test.build}
 * (pretend another code build).
 */
public final class ClusterTestNode {
    private ClusterTestNode() {
    }

    public static void main(String[] args) {
        Config root = ConfigLoader.fromClasspath().load(ConfigRequest.profile("cluster").withSets(args)).config();
        ClusterSettings cluster = ClusterSettings.fromConfig(root);
        String build = System.getProperty("test.build");
        if (build != null) {
            cluster = cluster.withCodeVersion(new CodeVersion(cluster.codeVersion().version(), build));
        }
        RunSettings run = RunSettings.fromConfig(root).withOrders(null).withLink(LinkModel.NONE)
                .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(20));
        long fb = Long.getLong("test.fb-ms", 0) * 1_000_000;
        StandInConfig sc = StandInConfig.small().withCosts(fb, 0);
        Workload workload = new Workload(new StandInFactory(sc), new StandInData(24, 16, sc.vocab()), StandInFactory.table(),
                StepSchedule.oddAdamSteps(StandInRun.SPLIT));
        RunResult r = ClusterLauncher.run(cluster, run, workload, new RunListener() {
            @Override
            public void stepDone(StepReport report) {
                say("STEP " + report.step() + " " + report.loss());
            }

            @Override
            public void evaluated(long stepsDone, LossSum result) {
                say("EVAL " + stepsDone + " " + result.perToken());
            }

            @Override
            public void checkpointed(long nextStep, Path dir) {
                say("CHECKPOINT " + nextStep + " " + dir);
            }

            @Override
            public void finished(RunResult result) {
                say("FINISHED " + result.status() + " " + result.nextStep() + " " + result.message());
            }

            @Override
            public void notice(String message) {
                say("NOTICE " + message);
            }
        });
        say("RESULT " + r.status() + " " + r.nextStep() + " " + r.message());
        System.exit(r.ok() ? 0 : 1);
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
