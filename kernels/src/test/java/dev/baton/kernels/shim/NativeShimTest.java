package dev.baton.kernels.shim;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeShimTest {
    private static boolean gccOnPath() {
        return BuildTools.onPath("gcc");
    }

    @Test
    void shimLoadsWhenTheBuildHadGcc() {
        NativeShim.Status s = NativeShim.status();
        if (gccOnPath()) {
            assertTrue(s.loaded(), s.reason());
            assertEquals("loaded baton-shim 1", s.reason());
        } else {
            assertFalse(s.loaded());
            assertTrue(s.reason().contains("no gcc"), s.reason());
        }
    }

    @Test
    void aMissingShimResourceIsReportedNotThrown() {
        NativeShim.Status s = NativeShim.load("/dev/baton/kernels/native/linux-x86_64/libbaton-bogus.so");
        assertFalse(s.loaded());
        assertEquals("resource /dev/baton/kernels/native/linux-x86_64/libbaton-bogus.so is not on the class path"
                + " (the kernels build found no gcc)", s.reason());
    }

    @Test
    void aMissingLibraryNamesTheLibraryAndEveryFileTried() {
        assumeTrue(NativeShim.status().loaded(), "shim not built here: " + NativeShim.status().reason());
        LibraryNotFoundException e = assertThrows(LibraryNotFoundException.class, () -> SharedLibrary.open(
                "cuBLASLt", List.of("libbaton-bogus.so.13", "/nonexistent/libbaton-bogus.so.12"), "cublasLtCreate"));
        assertEquals("cuBLASLt", e.library());
        assertEquals("libbaton-bogus.so.13, /nonexistent/libbaton-bogus.so.12", e.tried());
        assertTrue(e.getMessage().startsWith(
                "cuBLASLt not found: tried libbaton-bogus.so.13, /nonexistent/libbaton-bogus.so.12 ("), e.getMessage());
        assertTrue(e.getMessage().contains("cannot open shared object file"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; " + LibraryNotFoundException.CUDA_LIBS_HINT), e.getMessage());
    }

    @Test
    void aLibraryThatLoadsReportsTheFileItCameFrom() {
        assumeTrue(NativeShim.status().loaded(), "shim not built here: " + NativeShim.status().reason());
        // libc stands in for a CUDA library: the bogus first candidate is skipped, the second opens
        SharedLibrary libc = SharedLibrary.open("libc", List.of("libbaton-bogus.so.1", "libc.so.6"), "malloc");
        assertTrue(libc.handle() != 0);
        assertTrue(libc.path().contains("libc"), libc.path());
    }

    @Test
    void aLibraryWithoutTheNeededSymbolsFailsNamingTheSymbol() {
        assumeTrue(NativeShim.status().loaded(), "shim not built here: " + NativeShim.status().reason());
        SharedLibrary libc = SharedLibrary.open("libc", List.of("libc.so.6"), "malloc");
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> dev.baton.kernels.blas.CublasLt.create(libc));
        assertEquals("cuBLASLt", e.library());
        assertEquals("dlsym", e.call());
        assertTrue(e.getMessage().startsWith("cuBLASLt dlsym failed: SYMBOL_NOT_FOUND (-1): symbol cublasLtCreate is missing"),
                e.getMessage());
    }
}
