package dev.baton.runtime.golf.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The code half of the golf size budget. The challenge counts the bytes of {@code train_gpt.py};
 * Baton is a compiled runtime, so it counts the uncompressed {@code .class} files of the packages
 * that load an artifact and evaluate it (by default {@link #EVAL_PATH}, sub-packages included), as
 * they are in the jar or class folder that holds them. {@link #ofFiles} counts source files instead,
 * for a report that wants the challenge's literal "code bytes".
 *
 * @param description what was counted, for the report
 */
public record CodeBytes(long bytes, String description) {
    /** Model forward, tensors and the CPU backend, the golf artifact and bits-per-byte code. */
    public static final List<String> EVAL_PATH = List.of("dev.baton.runtime.model", "dev.baton.runtime.tensor",
            "dev.baton.runtime.ops", "dev.baton.runtime.param", "dev.baton.runtime.golf");

    /** The class files of {@code packages} in the jar or folder that {@code anchor} was loaded from. */
    public static CodeBytes ofPackages(Class<?> anchor, List<String> packages) {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null) {
            throw new IllegalStateException("cannot locate the code of " + anchor.getName());
        }
        Path location;
        try {
            location = Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the code of " + anchor.getName() + ": " + e.getMessage(), e);
        }
        long total = 0;
        try {
            if (Files.isDirectory(location)) {
                for (String pkg : packages) {
                    Path dir = location.resolve(pkg.replace('.', '/'));
                    if (Files.isDirectory(dir)) {
                        try (Stream<Path> files = Files.walk(dir)) {
                            total += files.filter(p -> p.toString().endsWith(".class")).mapToLong(CodeBytes::size).sum();
                        }
                    }
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        JarEntry entry = e.nextElement();
                        if (entry.getName().endsWith(".class") && packages.stream()
                                .anyMatch(p -> entry.getName().startsWith(p.replace('.', '/') + "/"))) {
                            total += entry.getSize();
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location, e);
        }
        return new CodeBytes(total, ".class files of " + String.join(", ", packages) + " in " + location.getFileName());
    }

    /** The bytes of the given files (e.g. the Java sources of the eval path). */
    public static CodeBytes ofFiles(List<Path> files) {
        long total = files.stream().mapToLong(CodeBytes::size).sum();
        return new CodeBytes(total, files.size() + " source files");
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + p, e);
        }
    }
}
