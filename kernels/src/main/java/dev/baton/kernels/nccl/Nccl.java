package dev.baton.kernels.nccl;

import dev.baton.kernels.shim.LibraryCandidates;
import dev.baton.kernels.shim.SharedLibrary;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * NCCL, opened through the shim: the entry point for unique ids, communicators and groups.
 *
 * <p>Owns the shim's table of NCCL functions; close every {@link NcclComm} before closing this.
 * The shim sets {@code NCCL_NVLS_ENABLE=0} when the environment does not set it: NVLink
 * multicast can take a shared host's GPUs out of service, so it is opt-in.
 */
public final class Nccl implements AutoCloseable {
    private final SharedLibrary library;
    private final long api;
    private boolean open = true;

    private Nccl(SharedLibrary library, long api) {
        this.library = library;
        this.api = api;
    }

    /** Opens libnccl.so.2 from the default places ({@link LibraryCandidates#nccl}). */
    public static Nccl open() {
        return open(SharedLibrary.open("NCCL", LibraryCandidates.nccl(System.getenv()), "ncclGetVersion"));
    }

    public static Nccl open(SharedLibrary library) {
        return new Nccl(library, NcclNative.load(library.handle()));
    }

    public String libraryPath() {
        return library.path();
    }

    /** NCCL_VERSION_CODE: major·10000 + minor·100 + patch (e.g. 22703 for 2.27.3). */
    public int version() {
        return NcclNative.version(api());
    }

    /** "2.27.3" */
    public String versionString() {
        int v = version();
        return v / 10000 + "." + v / 100 % 100 + "." + v % 100;
    }

    /** A fresh id for a new communicator; made by one rank and sent to the others. */
    public NcclUniqueId uniqueId() {
        return new NcclUniqueId(NcclNative.uniqueId(api()));
    }

    /**
     * Joins communicator {@code id} as {@code rank} of {@code nranks}, on the calling thread's
     * current device (one device per process or thread). Blocks until every rank has joined.
     */
    public NcclComm initRank(int nranks, NcclUniqueId id, int rank) {
        if (nranks < 1 || rank < 0 || rank >= nranks) {
            throw new IllegalArgumentException("rank " + rank + " of " + nranks);
        }
        return NcclComm.wrap(this, NcclNative.initRank(api(), nranks, id.bytes(), rank));
    }

    /**
     * Joins communicator {@code id} as several ranks of {@code nranks} from this thread, one per
     * local device: {@code makeCurrent} makes rank i's device current before its init, and the
     * inits run as one NCCL group (a lone blocking init would wait for the others forever).
     * Blocks until every rank of every process has joined; result i is {@code ranks[i]}.
     */
    public List<NcclComm> initRanks(int nranks, NcclUniqueId id, int[] ranks, IntConsumer makeCurrent) {
        if (ranks.length == 0) {
            throw new IllegalArgumentException("initRanks needs at least one rank");
        }
        for (int r : ranks) {
            if (r < 0 || r >= nranks) {
                throw new IllegalArgumentException("rank " + r + " of " + nranks);
            }
        }
        long[] handles = new long[ranks.length];
        if (ranks.length == 1) {
            makeCurrent.accept(0);
            handles[0] = NcclNative.initRank(api(), nranks, id.bytes(), ranks[0]);
        } else {
            groupStart();
            try {
                for (int i = 0; i < ranks.length; i++) {
                    makeCurrent.accept(i);
                    handles[i] = NcclNative.initRank(api(), nranks, id.bytes(), ranks[i]);
                }
            } finally {
                groupEnd();
            }
        }
        List<NcclComm> out = new ArrayList<>(handles.length);
        for (long c : handles) {
            out.add(NcclComm.wrap(this, c));
        }
        return List.copyOf(out);
    }

    /** One communicator per device in {@code devices}, all driven from this process; rank i is devices[i]. */
    public List<NcclComm> initAll(int... devices) {
        if (devices.length == 0) {
            throw new IllegalArgumentException("initAll needs at least one device");
        }
        long[] comms = NcclNative.initAll(api(), devices.clone());
        List<NcclComm> out = new ArrayList<>(comms.length);
        for (long c : comms) {
            out.add(NcclComm.wrap(this, c));
        }
        return List.copyOf(out);
    }

    /** Starts a group: collectives until {@link #groupEnd()} are launched together (several devices per thread). */
    public void groupStart() {
        NcclNative.groupStart(api());
    }

    public void groupEnd() {
        NcclNative.groupEnd(api());
    }

    /** ncclGetErrorString for a result code. */
    public String errorString(int code) {
        return NcclNative.errorString(api(), code);
    }

    long api() {
        if (!open) {
            throw new IllegalStateException("NCCL is closed");
        }
        return api;
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            NcclNative.unload(api);
        }
    }
}
