package dev.baton.actors.cuda;

import dev.baton.actors.collective.Collectives;
import dev.baton.actors.run.DeviceBackend;
import dev.baton.actors.run.RunSettings;
import dev.baton.actors.worker.StreamFactory;
import dev.baton.kernels.driver.CudaDevice;
import dev.baton.kernels.nccl.Nccl;
import dev.baton.kernels.nccl.NcclComm;
import dev.baton.kernels.nccl.NcclUniqueId;
import dev.baton.kernels.ops.CudaOps;

import java.util.ArrayList;
import java.util.List;

/**
 * The GPUs of this process as the actor runtime's devices ({@code baton.devices.kind = cuda}):
 * rank r is CUDA device {@code ordinals[r]}, named "cuda:ordinal", with a compute and a comm
 * CUDA stream, and the ranks talk through NCCL (one communicator per device from
 * {@code ncclCommInitAll}). The runtime itself runs unchanged: the workers' streams are
 * {@link CudaStream}s and the collectives {@link NcclCollectives}.
 *
 * <p>The work factory builds each rank's backend with {@link #ops(int)} from the worker's own
 * thread, which makes the device's context current there for good (the worker's dispatcher pins
 * it to that thread), so the runtime's scratch allocations on the worker thread work too.
 *
 * <p>On a cluster node ({@link NcclJoinable}) the backend's devices are a block of the run's
 * ranks: a node's ranks are {@code count} consecutive ones starting at a multiple of
 * {@code count}, so global rank r is local device {@code r mod count}, and the communicators are
 * joined with the run's unique id ({@code ncclCommInitRank}) instead of {@code ncclCommInitAll}.
 *
 * <p>Owns the device handles (primary contexts), the CUDA streams and the NCCL library; the
 * runtime owns (and closes) the collectives it asks for. Close it after the run has ended.
 */
public final class CudaBackend implements DeviceBackend, NcclJoinable, AutoCloseable {
    private final int[] ordinals;
    private final List<CudaDevice> devices = new ArrayList<>();
    private final List<dev.baton.kernels.driver.CudaStream> compute = new ArrayList<>();
    private final List<dev.baton.kernels.driver.CudaStream> comm = new ArrayList<>();
    private Nccl nccl;
    private boolean collectivesTaken;

    private CudaBackend(int[] ordinals) {
        this.ordinals = ordinals.clone();
    }

    /**
     * Opens devices {@code ordinals} (rank r = ordinals[r]) with their streams, and NCCL. A missing
     * driver, device or NCCL library fails here, at the edge, with the call that failed.
     */
    public static CudaBackend open(int... ordinals) {
        if (ordinals.length == 0) {
            throw new IllegalArgumentException("a CUDA backend needs at least one device");
        }
        CudaBackend b = new CudaBackend(ordinals);
        try {
            for (int ordinal : ordinals) {
                CudaDevice d = CudaDevice.open(ordinal);
                b.devices.add(d);
                b.compute.add(dev.baton.kernels.driver.CudaStream.create());
                b.comm.add(dev.baton.kernels.driver.CudaStream.create());
            }
            b.nccl = Nccl.open();
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    /** Devices 0 .. count − 1. */
    public static CudaBackend firstDevices(int count) {
        int[] o = new int[count];
        for (int i = 0; i < count; i++) {
            o[i] = i;
        }
        return open(o);
    }

    public int world() {
        return ordinals.length;
    }

    @Override
    public int devices() {
        return ordinals.length;
    }

    /** The local device index of rank {@code rank} (local or global: see the class comment). */
    private int local(int rank) {
        return rank % ordinals.length;
    }

    /** Rank {@code rank}'s device; its context becomes current on the calling thread. */
    public CudaDevice device(int rank) {
        CudaDevice d = devices.get(local(rank));
        d.makeCurrent();
        return d;
    }

    /**
     * A bf16 {@link CudaOps} of rank {@code rank} that enqueues on the rank's compute stream (the
     * stream the worker's compute commands and events use). Call it on the worker's thread
     * ({@code WorkFactory.create}); the caller owns the result (it leaves device and stream open).
     */
    public CudaOps ops(int rank) {
        return CudaOps.on(device(rank), compute.get(local(rank)));
    }

    @Override
    public String deviceName(int rank) {
        return "cuda:" + ordinals[local(rank)];
    }

    @Override
    public StreamFactory streams(RunSettings settings) {
        return (device, rank, name, observer) -> {
            List<dev.baton.kernels.driver.CudaStream> of = switch (name) {
                case "compute" -> compute;
                case "comm" -> comm;
                default -> throw new IllegalArgumentException("the CUDA backend has a compute and a comm stream per device, not '"
                        + name + "'");
            };
            return new CudaStream(device, rank, name, settings.waitTimeout(), observer, devices.get(local(rank)),
                    of.get(local(rank)));
        };
    }

    /** NCCL communicators for every device of the backend, made now; the runtime closes them. */
    @Override
    public synchronized Collectives collectives(RunSettings settings) {
        if (settings.world() != ordinals.length) {
            throw new IllegalArgumentException("the run has " + settings.world() + " devices but the CUDA backend "
                    + ordinals.length + " (" + deviceName(0) + (ordinals.length > 1 ? " .." : "") + ")");
        }
        if (collectivesTaken) {
            throw new IllegalStateException("one run per CUDA backend: its collectives were handed out already");
        }
        collectivesTaken = true;
        List<NcclComm> comms = nccl.initAll(ordinals);
        return new NcclCollectives(nccl, comms);
    }

    @Override
    public byte[] createId() {
        return nccl.uniqueId().bytes();
    }

    /**
     * This node's communicators of a cluster run, joined by unique id at global ranks
     * {@code firstRank ..}; the runtime closes them. Blocks until every node has joined.
     */
    @Override
    public synchronized Collectives join(byte[] id, int world, int firstRank) {
        if (collectivesTaken) {
            throw new IllegalStateException("one run per CUDA backend: its collectives were handed out already");
        }
        if (firstRank % ordinals.length != 0) {
            throw new IllegalArgumentException("a node's ranks start at a multiple of its " + ordinals.length
                    + " devices, not at " + firstRank);
        }
        collectivesTaken = true;
        int[] ranks = new int[ordinals.length];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = firstRank + i;
        }
        List<NcclComm> comms = nccl.initRanks(world, new NcclUniqueId(id), ranks, i -> devices.get(i).makeCurrent());
        return new NcclCollectives(nccl, world, firstRank, comms);
    }

    /** Releases streams, devices and NCCL; every run on this backend must have ended. */
    @Override
    public void close() {
        for (int r = 0; r < devices.size(); r++) {
            CudaDevice d = devices.get(r);
            d.makeCurrent();
            d.synchronize();
            if (r < compute.size()) {
                compute.get(r).close();
            }
            if (r < comm.size()) {
                comm.get(r).close();
            }
        }
        devices.forEach(CudaDevice::close);
        devices.clear();
        if (nccl != null) {
            nccl.close();
            nccl = null;
        }
    }
}
