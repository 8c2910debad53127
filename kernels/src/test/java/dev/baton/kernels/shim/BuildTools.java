package dev.baton.kernels.shim;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a build tool was on the PATH, as the kernels build would have seen it. */
public final class BuildTools {
    private BuildTools() {
    }

    public static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
