package dev.baton.launcher.command;

import dev.baton.conf.ConfigLoader;
import dev.baton.conf.ProfileCatalog;
import dev.baton.conf.ProfileInfo;
import dev.baton.conf.ResolvedConfig;
import dev.baton.conf.Settings;
import dev.baton.kernels.driver.CudaAvailability;
import dev.baton.launcher.BatonVersion;
import dev.baton.launcher.ExitCodes;
import dev.baton.launcher.info.MachineFacts;
import dev.baton.launcher.options.ProfileOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code baton info}: this build and machine, the profiles, the resolved configuration
 * ({@code --config}) and the devices ({@code --devices}).
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Prints version, Java, cores, memory and profiles; with --config the resolved configuration; "
                + "with --devices the devices.")
public final class InfoCommand implements Callable<Integer> {
    /** picocli's value for a --config given without a file. */
    private static final String NO_FILE = "";

    @Spec
    CommandSpec spec;

    @Mixin
    ProfileOptions profile;

    @Option(names = "--config", arity = "0..1", paramLabel = "FILE", fallbackValue = NO_FILE,
            description = "Print the resolved configuration (HOCON, keys sorted) of the profile, the optional FILE "
                    + "layered over it, -Dbaton.x=y and --set.")
    String config;

    @Option(names = "--devices", description = "Print the devices this machine offers.")
    boolean devices;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (config != null) {
            ResolvedConfig resolved = profile.load(config.equals(NO_FILE) ? null : Path.of(config));
            out.println(resolved.render().stripTrailing());
        }
        if (devices) {
            out.println(MachineFacts.cpuLine());
            CudaAvailability.probe().describe().forEach(out::println);
        }
        if (config == null && !devices) {
            summary(out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void summary(PrintWriter out) {
        ProfileCatalog catalog = ConfigLoader.fromClasspath().profiles();
        ResolvedConfig resolved = profile.load(null);
        out.println("baton " + BatonVersion.version());
        out.println("java: " + MachineFacts.java());
        out.println("cores: " + MachineFacts.cores());
        out.println("memory: " + MachineFacts.memory());
        out.println("profiles: " + catalog.profiles().stream().map(ProfileInfo::name)
                .map(name -> name.equals(catalog.defaultName()) ? name + " (default)" : name)
                .collect(Collectors.joining(", ")));
        out.println("profile " + resolved.profile() + ": " + digest(resolved.settings()));
        out.println("CUDA backend: see `baton info --devices`");
    }

    /** One line saying what the configuration trains and where. */
    private static String digest(Settings s) {
        if (s.text("baton.model.family").equals("golf")) {
            return "golf, " + s.wholeNumber("baton.model.num-layers") + " layers, dim " + s.wholeNumber("baton.model.model-dim")
                    + " (" + s.wholeNumber("baton.model.num-heads") + " heads over " + s.wholeNumber("baton.golf.model.num-kv-heads")
                    + " KV heads), vocab " + s.wholeNumber("baton.model.vocab-size") + " (" + s.text("baton.data.tokenizer") + ")"
                    + ", " + s.wholeNumber("baton.devices.count") + " " + s.text("baton.devices.kind") + " device(s), "
                    + s.wholeNumber("baton.golf.train.tokens-per-step") + " tokens per step for "
                    + s.number("baton.golf.train.max-wallclock-seconds") + " s, data: " + s.text("baton.data.source");
        }
        int steps = s.wholeNumber("baton.optim.schedule.scheduled-steps") + s.wholeNumber("baton.optim.schedule.extension-steps");
        return s.wholeNumber("baton.model.num-layers") + " layers, dim " + s.wholeNumber("baton.model.model-dim")
                + " (" + s.wholeNumber("baton.model.num-heads") + " heads x " + s.wholeNumber("baton.model.head-dim") + ")"
                + ", vocab " + s.wholeNumber("baton.model.vocab-size") + " (" + s.text("baton.data.tokenizer") + ")"
                + ", " + s.wholeNumber("baton.devices.count") + " " + s.text("baton.devices.kind") + " device(s)"
                + " x " + s.wholeNumber("baton.cluster.nodes") + " node(s)"
                + ", " + steps + " steps, data: " + s.text("baton.data.source");
    }
}
