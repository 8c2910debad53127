package dev.baton.kernels.shim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads the project's JNI shim (libbatonshim.so) from the class path, once per class loader.
 *
 * <p>The library is copied from the jar to a private temporary folder, loaded, and deleted at
 * once (Linux keeps the mapping). Failure never throws at class load: {@link #status()} says
 * why the shim is unavailable, and {@link #require()} turns that into one clear exception.
 */
public final class NativeShim {
    /** Where the kernels build puts the shim among the module's resources. */
    public static final String RESOURCE = "/dev/baton/kernels/native/linux-x86_64/libbatonshim.so";

    private NativeShim() {
    }

    /** Whether the shim is loaded, and if not, why. */
    public record Status(boolean loaded, String reason) {
    }

    /** Holder idiom: the shim is loaded on first use, and exactly once. */
    private static final class Loaded {
        static final Status STATUS = load(RESOURCE);
    }

    public static Status status() {
        return Loaded.STATUS;
    }

    /** Throws {@link LibraryNotFoundException} with the reason when the shim is not loaded. */
    public static void require() {
        Status s = status();
        if (!s.loaded()) {
            throw new LibraryNotFoundException("Baton JNI shim", "libbatonshim.so from the class path",
                    s.reason(), "rebuild the kernels module on a Linux x86-64 machine with gcc");
        }
    }

    /** Extracts and loads a shim resource; package-visible so tests can point it at a bogus name. */
    static Status load(String resource) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return new Status(false, "the shim is built for Linux x86-64 only, this is " + os + " " + arch);
        }
        try (InputStream in = NativeShim.class.getResourceAsStream(resource)) {
            if (in == null) {
                return new Status(false, "resource " + resource
                        + " is not on the class path (the kernels build found no gcc)");
            }
            Path dir = Files.createTempDirectory("baton-shim-");
            Path file = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toAbsolutePath().toString());
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
            return new Status(true, "loaded " + SharedLibrary.shimVersion());
        } catch (IOException e) {
            return new Status(false, "could not extract " + resource + ": " + e.getMessage());
        } catch (UnsatisfiedLinkError e) {
            return new Status(false, "could not load " + resource + ": " + e.getMessage());
        }
    }
}
