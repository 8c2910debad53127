package dev.baton.kernels.driver;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CudaModuleImagesTest {
    @Test
    void hopperTriesItsArchSpecificCubinThenPlainCubinThenPtx() {
        assertEquals(List.of("elementwise.sm_90a.cubin", "elementwise.sm_90.cubin", "elementwise.compute_90.ptx"),
                CudaModule.imageCandidates("elementwise", 9, 0));
    }

    @Test
    void newerGpusFallBackToThePtx() {
        assertEquals(List.of("attention.sm_100a.cubin", "attention.sm_100.cubin", "attention.compute_90.ptx"),
                CudaModule.imageCandidates("attention", 10, 0));
    }

    @Test
    void olderGpusHaveNoPtxToJit() {
        assertEquals(List.of("elementwise.sm_80a.cubin", "elementwise.sm_80.cubin"),
                CudaModule.imageCandidates("elementwise", 8, 0));
    }

    @Test
    void gridStrideLaunchesCoverSmallInputsAndCapLargeOnes() {
        DeviceProperties h100 = new DeviceProperties(0, "H100", 9, 0, 132, 80L << 30, 50 << 20, 232448);
        assertEquals(4, LaunchShape.gridStride(1000, 256, h100, 8).gridX());
        assertEquals(132 * 8, LaunchShape.gridStride(1L << 30, 256, h100, 8).gridX());
        assertEquals(1, LaunchShape.gridStride(0, 256, h100, 8).gridX());
    }
}
