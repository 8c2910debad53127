package dev.baton.kernels.driver;

import jcuda.NativePointerObject;
import jcuda.Pointer;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameter list of one kernel launch, in the kernel's parameter order. Device pointers go
 * in as raw addresses (8 bytes, as the kernel sees them), which lets tensor views at any offset
 * pass without JCuda pointer objects.
 */
public final class KernelArgs {
    private final List<NativePointerObject> args = new ArrayList<>();

    private KernelArgs() {
    }

    public static KernelArgs of() {
        return new KernelArgs();
    }

    /** A device pointer ({@code T*}). */
    public KernelArgs pointer(long address) {
        args.add(Pointer.to(new long[] {address}));
        return this;
    }

    public KernelArgs i32(int v) {
        args.add(Pointer.to(new int[] {v}));
        return this;
    }

    public KernelArgs i64(long v) {
        args.add(Pointer.to(new long[] {v}));
        return this;
    }

    public KernelArgs f32(float v) {
        args.add(Pointer.to(new float[] {v}));
        return this;
    }

    public int size() {
        return args.size();
    }

    /** The {@code void**} kernelParams array of cuLaunchKernel. */
    Pointer toParams() {
        return Pointer.to(args.toArray(new NativePointerObject[0]));
    }
}
