package dev.baton.launcher.train;

import dev.baton.actors.cuda.CudaBackend;
import dev.baton.actors.run.DeviceBackend;
import dev.baton.conf.BatonConfigException;
import dev.baton.conf.Settings;
import dev.baton.kernels.driver.CudaAvailability;

import java.util.List;

/**
 * The devices a run trains on, from {@code baton.devices}: virtual CPU devices, or with
 * {@code kind = cuda} a {@link CudaBackend} over {@code count} GPUs ({@code cuda-ordinals}, or
 * 0 .. count − 1). Owns the CUDA backend and closes it after the run.
 *
 * @param cuda null for CPU devices
 */
public record TrainingDevices(DeviceBackend backend, CudaBackend cuda) implements AutoCloseable {

    /**
     * Why the configured devices cannot be opened here (no CUDA driver or device, fewer GPUs than
     * configured), or null when they can: CPU devices always can.
     */
    public static String unavailable(Settings s, int world) {
        if (!cuda(s)) {
            return null;
        }
        CudaAvailability.Status status = CudaAvailability.probe();
        if (!status.available()) {
            return "no CUDA device is available (" + status.reason() + ")";
        }
        int highest = -1;
        for (int o : ordinals(s, world)) {
            highest = Math.max(highest, o);
        }
        if (highest >= status.devices().size()) {
            return "device " + highest + " is needed for " + world + " devices and this machine has "
                    + status.devices().size() + " GPU" + (status.devices().size() == 1 ? "" : "s");
        }
        return null;
    }

    /** Opens the devices; call after {@link #unavailable} returned null. */
    public static TrainingDevices open(Settings s, int world) {
        if (!cuda(s)) {
            return new TrainingDevices(DeviceBackend.cpu(), null);
        }
        CudaBackend backend = CudaBackend.open(ordinals(s, world));
        return new TrainingDevices(backend, backend);
    }

    private static boolean cuda(Settings s) {
        return s.choice("baton.devices.kind", "cpu", "cuda").equals("cuda");
    }

    /** {@code cuda-ordinals} when given (one per device), else 0 .. world − 1. */
    private static int[] ordinals(Settings s, int world) {
        List<Integer> given = s.wholeNumbers("baton.devices.cuda-ordinals");
        if (!given.isEmpty() && given.size() != world) {
            throw new BatonConfigException("baton.devices.cuda-ordinals = " + given + ": needs one ordinal "
                    + "per device (" + world + "), or [] for 0 .. " + (world - 1));
        }
        int[] out = new int[world];
        for (int i = 0; i < world; i++) {
            out[i] = given.isEmpty() ? i : given.get(i);
        }
        return out;
    }

    /** "CPU devices (2 threads each)" or "GPUs (CUDA)". */
    public String describe(int threadsPerDevice) {
        return cuda == null ? "CPU device(s) (" + threadsPerDevice + " thread" + (threadsPerDevice == 1 ? "" : "s") + " each)"
                : "GPU(s) (CUDA, NCCL)";
    }

    @Override
    public void close() {
        if (cuda != null) {
            cuda.close();
        }
    }
}
