package dev.baton.launcher;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.baton.kernels.driver.CudaAvailability;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shaded launcher/target/baton.jar: merged reference.conf, and real exit codes of java -jar. */
class BatonJarIT {
    private static final Path JAR = Path.of(System.getProperty("launcher.jar", "target/baton.jar"));

    /** Exit code and merged stdout + stderr of one process. */
    private record Result(int code, String output) {
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }

    @Test
    void jarHoldsOneReferenceConfWithBatonsAndPekkosTrees() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " built");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Config reference = ConfigFactory.parseResources(loader, "reference.conf").resolve();
            assertEquals(11, reference.getInt("baton.model.num-layers"));          // through the includes
            assertEquals(0.023, reference.getDouble("baton.optim.normuon.lr"), 0.0);
            assertTrue(reference.hasPath("pekko.actor.default-dispatcher"), "pekko-actor's reference.conf merged");
            assertTrue(reference.hasPath("pekko.cluster.min-nr-of-members"), "pekko-cluster's reference.conf merged");
            assertTrue(reference.hasPath("pekko.remote.artery.canonical.port"), "pekko-remote's reference.conf merged");
        }
    }

    @Test
    void javaDashJarRunsAndExitsWithTheDocumentedCodes() throws IOException, InterruptedException {
        Result info = run("info", "--config", "--profile", "cluster");
        assertEquals(0, info.code(), info.output());
        assertTrue(info.output().contains("nodes=2"), info.output());

        Result unknown = run("frobnicate");
        assertEquals(2, unknown.code(), unknown.output());
        assertTrue(unknown.output().contains("baton: unknown subcommand 'frobnicate' (try 'baton --help')"), unknown.output());

        if (!CudaAvailability.probe().available()) { // with a GPU, bench would run the benchmark
            Result bench = run("bench");
            assertEquals(2, bench.code(), bench.output());
            assertTrue(bench.output().contains("baton bench: no CUDA device"), bench.output());
        }
    }
}
