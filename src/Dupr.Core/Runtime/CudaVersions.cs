using System.Runtime.InteropServices;

namespace Dupr.Core.Runtime;

/// <summary>
/// The CUDA versions `dupr env` shows, which libtorch does not report through TorchSharp: the driver's (libcuda's
/// cuDriverGetVersion) and the runtime's (libcudart's cudaRuntimeGetVersion), asked of those libraries where they load.
/// </summary>
public static class CudaVersions
{
    /// <summary>The newest CUDA the driver supports, e.g. "13.0"; null without an NVIDIA driver.</summary>
    public static string? Driver() => Ask(["libcuda.so.1", "libcuda.so", "nvcuda.dll"], "cuDriverGetVersion");

    /// <summary>The CUDA runtime's version, e.g. "12.8"; null where no libcudart loads (libtorch may link it statically).</summary>
    public static string? Runtime() =>
        Ask(["libcudart.so", "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", "cudart64_13.dll", "cudart64_12.dll"], "cudaRuntimeGetVersion");

    /// <summary>CUDA's integer version (1000 x major + 10 x minor) as "major.minor".</summary>
    public static string Format(int version) => $"{version / 1000}.{version % 1000 / 10}";

    // Both entry points are int f(int* version), returning 0 on success.
    static unsafe string? Ask(string[] libraries, string entry)
    {
        foreach (string library in libraries)
        {
            if (!NativeLibrary.TryLoad(library, out IntPtr handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, entry, out IntPtr function)) continue;
            int version = 0;
            if (((delegate* unmanaged<int*, int>)function)(&version) == 0 && version > 0) return Format(version);
        }
        return null;
    }
}
