package dev.baton.launcher.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch side of {@code baton bench --compare-pytorch}: runs reference/bench/model_bench.py
 * (the record's model with torch.compile and flex_attention) with the same phase and step count,
 * on the same machine, after Baton's steps, echoing its output, and reads the JSON line it ends
 * with: {@code {"impl":"pytorch","ms_per_step":...,"tokens_per_s":...}}.
 */
public final class PytorchComparison {
    /** What the script measured. */
    public record Result(double msPerStep, double tokensPerSecond, String line) {
    }

    private PytorchComparison() {
    }

    /** The command line: {@code python3 SCRIPT --phase P --steps N --warmup W --seed S}. */
    public static List<String> command(String python, Path script, int phase, int steps, int warmup, long seed) {
        return List.of(python, script.toString(), "--phase", Integer.toString(phase), "--steps", Integer.toString(steps),
                "--warmup", Integer.toString(warmup), "--seed", Long.toString(seed));
    }

    /**
     * Runs the script, echoing each line with a prefix; the result of its last JSON line with
     * "impl":"pytorch", or an exception naming what went wrong (missing script, exit code,
     * timeout, no result line).
     */
    public static Result run(List<String> command, Path script, Duration timeout, PrintWriter echo) {
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("the PyTorch benchmark " + script + " does not exist; run from the"
                    + " repository root or pass --pytorch-script");
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putIfAbsent("PYTHONUNBUFFERED", "1");
        List<String> lines = new ArrayList<>();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + command.get(0) + ": " + e.getMessage(), e);
        }
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    echo.println("[pytorch] " + line);
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended or was killed; what was read stays
            }
        }, "pytorch-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IllegalStateException("the PyTorch benchmark did not finish within " + timeout.toSeconds() + " s");
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while waiting for the PyTorch benchmark");
        }
        List<String> copy;
        synchronized (lines) {
            copy = List.copyOf(lines);
        }
        Optional<Result> r = parse(copy);
        if (p.exitValue() != 0 || r.isEmpty()) {
            throw new IllegalStateException("the PyTorch benchmark exited with " + p.exitValue()
                    + (r.isEmpty() ? " and printed no {\"impl\":\"pytorch\",...} line" : ""));
        }
        return r.get();
    }

    /** The last line that is a JSON object with "impl":"pytorch" and both figures. */
    public static Optional<Result> parse(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).trim();
            if (!line.startsWith("{") || !line.contains("\"impl\"")) {
                continue;
            }
            try {
                Config c = ConfigFactory.parseString(line, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
                if ("pytorch".equals(c.getString("impl"))) {
                    return Optional.of(new Result(c.getDouble("ms_per_step"), c.getDouble("tokens_per_s"), line));
                }
            } catch (ConfigException e) {
                // not the result line
            }
        }
        return Optional.empty();
    }
}
