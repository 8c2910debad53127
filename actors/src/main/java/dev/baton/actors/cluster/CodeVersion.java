package dev.baton.actors.cluster;

import dev.baton.runtime.data.Batch;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Which Baton build a node runs: the project version and a digest of every Baton class file it
 * loaded from (the jar, or the module folders in a development tree). Nodes with different builds
 * would exchange messages and schedules they interpret differently, so the admission check
 * refuses them.
 *
 * @param version the project version, e.g. "0.1.0-SNAPSHOT" ("dev" when the jar manifest has none)
 * @param build   the first 12 hex digits of the digest over the class files' names and bytes
 */
public record CodeVersion(String version, String build) {
    /** The build of this JVM (computed once: the class files do not change while it runs). */
    public static CodeVersion current() {
        return Current.VERSION;
    }

    /** Holder idiom: a constant computed on first use. */
    private static final class Current {
        static final CodeVersion VERSION = compute();
    }

    private static CodeVersion compute() {
        String v = CodeVersion.class.getPackage().getImplementationVersion();
        TreeSet<String> locations = new TreeSet<>();
        for (Class<?> c : List.of(CodeVersion.class, Batch.class)) {
            CodeSource src = c.getProtectionDomain().getCodeSource();
            if (src != null) {
                try {
                    locations.add(Path.of(src.getLocation().toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    locations.add(src.getLocation().toString());
                }
            }
        }
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String loc : locations) {
                Path p = Path.of(loc);
                if (Files.isDirectory(p)) {
                    digestFolder(d, p);
                } else if (Files.isRegularFile(p)) {
                    digestJar(d, p);
                }
            }
            return new CodeVersion(v == null ? "dev" : v, HexFormat.of().formatHex(d.digest()).substring(0, 12));
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot compute this node's code version: " + e.getMessage(), e);
        }
    }

    private static void digestFolder(MessageDigest d, Path root) throws IOException {
        Path base = root.resolve("dev/baton");
        if (!Files.isDirectory(base)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(base)) {
            s.filter(f -> f.toString().endsWith(".class")).forEach(files::add);
        }
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            names.add(root.relativize(f).toString().replace('\\', '/'));
        }
        Collections.sort(names);
        for (String n : names) {
            d.update(n.getBytes(StandardCharsets.UTF_8));
            d.update(Files.readAllBytes(root.resolve(n)));
        }
    }

    private static void digestJar(MessageDigest d, Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            List<JarEntry> entries = new ArrayList<>();
            j.stream().filter(e -> e.getName().startsWith("dev/baton/") && e.getName().endsWith(".class"))
                    .forEach(entries::add);
            entries.sort((a, b) -> a.getName().compareTo(b.getName()));
            for (JarEntry e : entries) {
                d.update(e.getName().getBytes(StandardCharsets.UTF_8));
                try (InputStream in = j.getInputStream(e)) {
                    d.update(in.readAllBytes());
                }
            }
        }
    }

    /** e.g. "0.1.0-SNAPSHOT (build 1a2b3c4d5e6f)" */
    public String describe() {
        return version + " (build " + build + ")";
    }
}
