package dev.baton.kernels.shim;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LibraryCandidatesTest {
    @Test
    void cublasLtTriesVersion13EverywhereBefore12AndUserFoldersFirst() {
        List<String> files = LibraryCandidates.cublasLt(Map.of(
                "BATON_CUDA_LIBS", "/opt/a:/opt/b/", "CUDA_HOME", "/opt/cuda"));
        assertEquals(List.of(
                "/opt/a/libcublasLt.so.13", "/opt/b/libcublasLt.so.13", "libcublasLt.so.13",
                "/opt/cuda/lib64/libcublasLt.so.13", "/usr/local/cuda/lib64/libcublasLt.so.13",
                "/opt/a/libcublasLt.so.12", "/opt/b/libcublasLt.so.12", "libcublasLt.so.12",
                "/opt/cuda/lib64/libcublasLt.so.12", "/usr/local/cuda/lib64/libcublasLt.so.12"), files);
    }

    @Test
    void ncclWithAnEmptyEnvironmentUsesTheLoaderThenTheDefaultToolkit() {
        assertEquals(List.of("libnccl.so.2", "/usr/local/cuda/lib64/libnccl.so.2"), LibraryCandidates.nccl(Map.of()));
    }

    @Test
    void duplicateFoldersAreTriedOnce() {
        assertEquals(List.of("/usr/local/cuda/lib64/libnccl.so.2", "libnccl.so.2"),
                LibraryCandidates.nccl(Map.of("BATON_CUDA_LIBS", "/usr/local/cuda/lib64", "CUDA_HOME", "/usr/local/cuda")));
    }

    @Test
    void callErrorsNameLibraryCallAndCode() {
        NativeCallException e = new NativeCallException("NCCL", "ncclAllReduce", 4, "ncclInvalidArgument",
                "invalid argument");
        assertEquals("NCCL ncclAllReduce failed: ncclInvalidArgument (4): invalid argument", e.getMessage());
        assertEquals(4, e.code());
    }
}
