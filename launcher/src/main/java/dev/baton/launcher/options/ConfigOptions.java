package dev.baton.launcher.options;

import dev.baton.conf.ResolvedConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The shared configuration options of commands that run a configuration (mixin):
 * {@code --profile NAME}, {@code --config FILE} and {@code --set KEY=VALUE}.
 */
public final class ConfigOptions {
    @Mixin
    ProfileOptions profile;

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON file layered over the profile.")
    Path file;

    /** The validated configuration; a user mistake throws {@link dev.baton.conf.BatonConfigException}. */
    public ResolvedConfig load() {
        return profile.load(file);
    }

    /** As {@link #load()}, starting from {@code fallbackProfile} when no --profile was given. */
    public ResolvedConfig load(String fallbackProfile) {
        return profile.load(file, fallbackProfile);
    }
}
