package dev.baton.kernels.driver;

import jcuda.driver.CUdevice;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.util.ArrayList;
import java.util.List;

/**
 * Is a CUDA device usable here, and if not, why not? Probed without throwing: a missing driver
 * library, a failed cuInit and a machine with no device each give a reason a person can act on.
 * {@code baton info --devices} and the {@code @GpuTest} condition call this.
 */
public final class CudaAvailability {
    private CudaAvailability() {
    }

    /** The probe's answer: the devices found, or why there are none. */
    public record Status(boolean available, int driverVersion, List<DeviceProperties> devices, String reason) {
        public Status {
            devices = List.copyOf(devices);
        }

        static Status unavailable(String reason) {
            return new Status(false, 0, List.of(), reason);
        }

        /** Lines for a report: the driver and one line per device, or the reason. */
        public List<String> describe() {
            if (!available) {
                return List.of("CUDA: unavailable: " + reason);
            }
            List<String> lines = new ArrayList<>();
            lines.add("CUDA driver " + driverVersion / 1000 + "." + driverVersion % 1000 / 10 + ", "
                    + devices.size() + " device(s)");
            devices.forEach(d -> lines.add("  " + d.describe()));
            return lines;
        }
    }

    /** Probes the driver and lists the devices; never throws. */
    public static Status probe() {
        if (DriverLibrary.LOAD_FAILURE != null) {
            return Status.unavailable(DriverLibrary.LOAD_FAILURE);
        }
        int init = JCudaDriver.cuInit(0);
        if (init != CUresult.CUDA_SUCCESS) {
            return Status.unavailable("cuInit failed with " + CUresult.stringFor(init)
                    + " (is the NVIDIA driver loaded and a GPU visible to this process?)");
        }
        try {
            int[] count = {0};
            DriverCall.check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
            if (count[0] == 0) {
                return Status.unavailable("the CUDA driver reports no device");
            }
            int[] version = {0};
            DriverCall.check(JCudaDriver.cuDriverGetVersion(version), "cuDriverGetVersion");
            List<DeviceProperties> devices = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                CUdevice device = new CUdevice();
                DriverCall.check(JCudaDriver.cuDeviceGet(device, i), "cuDeviceGet");
                devices.add(DeviceQuery.properties(device, i));
            }
            return new Status(true, version[0], devices, "");
        } catch (RuntimeException e) {
            return Status.unavailable(e.getMessage());
        }
    }
}
