package dev.baton.kernels.driver;

import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;

/** Reads a device's properties through the driver API (cuInit must have succeeded). */
final class DeviceQuery {
    private DeviceQuery() {
    }

    static DeviceProperties properties(CUdevice device, int ordinal) {
        byte[] name = new byte[256];
        DriverCall.check(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        long[] memory = {0};
        DriverCall.check(JCudaDriver.cuDeviceTotalMem(memory, device), "cuDeviceTotalMem");
        return new DeviceProperties(
                ordinal,
                new String(name, 0, len, StandardCharsets.US_ASCII),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                memory[0],
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN));
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] value = {0};
        DriverCall.check(JCudaDriver.cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute");
        return value[0];
    }
}
