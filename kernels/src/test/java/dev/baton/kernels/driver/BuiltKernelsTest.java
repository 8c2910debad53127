package dev.baton.kernels.driver;

import dev.baton.kernels.shim.BuildTools;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The build's nvcc step: a cubin and a PTX per .cu when nvcc is on the PATH, none otherwise. */
class BuiltKernelsTest {
    private static byte[] resource(String file) throws IOException {
        try (InputStream in = BuiltKernelsTest.class.getResourceAsStream(CudaModule.RESOURCE_FOLDER + file)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    @Test
    void elementwiseIsBuiltToAHopperCubinAndAPtxWhenNvccExists() throws IOException {
        byte[] cubin = resource("elementwise.sm_90a.cubin");
        byte[] ptx = resource("elementwise.compute_90.ptx");
        if (!BuildTools.onPath("nvcc")) {
            assertNull(cubin, "no nvcc, yet a cubin");
            return;
        }
        assertNotNull(cubin, "nvcc is on the PATH but the build left no elementwise.sm_90a.cubin");
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, java.util.Arrays.copyOf(cubin, 4));
        assertNotNull(ptx, "nvcc is on the PATH but the build left no elementwise.compute_90.ptx");
        String text = new String(ptx, StandardCharsets.US_ASCII);
        assertTrue(text.contains(".target sm_90\n"), "PTX target");
        for (String kernel : new String[] {"baton_fill_f32", "baton_fill_bf16", "baton_axpy_f32",
                "baton_cast_f32_bf16", "baton_cast_bf16_f32"}) {
            assertTrue(text.contains(".entry " + kernel + "("), "PTX lacks " + kernel);
        }
    }
}
