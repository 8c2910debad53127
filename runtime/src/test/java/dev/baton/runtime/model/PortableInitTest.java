package dev.baton.runtime.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Values computed independently with python3 (arbitrary-precision ints, numpy float32). */
class PortableInitTest {
    @Test
    void splitmix64MatchesTheReferenceSequence() {
        assertEquals(0xE220A8397B1DCDAFL, PortableInit.splitmix64(0));
        assertEquals(0x910A2DEC89025CC1L, PortableInit.splitmix64(1));
        assertEquals(0xBB0CF61B2F181CDBL, PortableInit.splitmix64(1234));
    }

    @Test
    void fnv1aHashesUtf8Names() {
        assertEquals(0xCBF29CE484222325L, PortableInit.fnv1a64(""));
        assertEquals(0xE99E1F49FEFC7A59L, PortableInit.fnv1a64("attn_bank"));
        assertEquals(0xF18AC3915614BEADL, PortableInit.fnv1a64("lm_head"));
    }

    @Test
    void keysAndUniformsForSeed1234() {
        PortableInit init = new PortableInit(1234);
        long k = init.key("attn_bank");
        assertEquals(0xB0860F0D34529877L, k);
        assertEquals(0.37514495849609375, PortableInit.u(k, 0));
        assertEquals(0.11180561780929565, PortableInit.u(k, 1));
        assertEquals(0.6391757726669312, PortableInit.u(k, 2));
        double bound = Math.sqrt(3) * Math.pow(64, -0.5);
        assertEquals(-0.0540638193488121f, PortableInit.uniform(k, 0, bound));
        assertEquals(-0.16809310019016266f, PortableInit.uniform(k, 1, bound));
        assertEquals(0.06026487797498703f, PortableInit.uniform(k, 2, bound));
        // further values listed in reference/README.md (branch reference)
        assertEquals(0.6783199310302734, PortableInit.u(k, 1000));
        assertEquals(0.0772147923707962f, PortableInit.uniform(k, 1000, bound));
        assertEquals(0.5992671251296997, PortableInit.u(k, 123456));
        assertEquals(0.042983926832675934f, PortableInit.uniform(k, 123456, bound));
    }

    @Test
    void normalsUseTwoUniformsPerIndex() {
        PortableInit init = new PortableInit(1234);
        long k = init.key("lm_head");
        assertEquals(0x904584752E48BE7FL, k);
        assertEquals(-0.003571154782548547f, PortableInit.normal(k, 0, 0.005));
        assertEquals(0.009133064188063145f, PortableInit.normal(k, 1, 0.005));
        assertEquals(0.0025675585493445396f, PortableInit.normal(k, 2, 0.005));
    }

    @Test
    void sampleIndicesStayInRangeAndAreDeterministic() {
        PortableInit init = new PortableInit(1234);
        int[] a = init.sampleIndices("embed", 50304L * 64, 4096);
        int[] b = new PortableInit(1234).sampleIndices("embed", 50304L * 64, 4096);
        assertEquals(4096, a.length);
        assertEquals(2761668, a[0]);
        assertEquals(3215462, a[1]);
        assertEquals(2085449, a[2]);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i]);
            org.junit.jupiter.api.Assertions.assertTrue(a[i] >= 0 && a[i] < 50304L * 64);
        }
    }
}
