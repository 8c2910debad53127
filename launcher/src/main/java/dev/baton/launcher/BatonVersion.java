package dev.baton.launcher;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this build, from a properties file Maven fills in at build time. */
public final class BatonVersion implements CommandLine.IVersionProvider {
    private static final String RESOURCE = "/dev/baton/launcher/version.properties";

    /** The project version, e.g. "0.1.0-SNAPSHOT". */
    public static String version() {
        try (InputStream in = BatonVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"baton " + version()};
    }
}
