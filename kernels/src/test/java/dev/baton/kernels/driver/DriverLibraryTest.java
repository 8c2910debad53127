package dev.baton.kernels.driver;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DriverLibraryTest {
    @Test
    void jcudasLoadErrorIsReducedToTheMissingLibrary() {
        String jcuda = """
                Error while loading native library "JCudaDriver-12.6.0-linux-x86_64"
                Operating system name: Linux
                Stack trace from the attempt to load the library as a file:
                java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/lib
                \tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2434)
                Stack trace from the attempt to load the library as a resource:
                java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: \
                cannot open shared object file: No such file or directory
                \tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)
                """;
        assertEquals("libcuda.so.1: cannot open shared object file: No such file or directory",
                DriverLibrary.summarize(jcuda));
    }

    @Test
    void anUnknownMessageKeepsItsFirstLine() {
        assertEquals("something else", DriverLibrary.summarize("something else\nmore"));
        assertEquals("no detail", DriverLibrary.summarize(null));
    }
}
