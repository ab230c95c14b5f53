using System.Runtime.InteropServices;
using Dupr.Build;
using TorchSharp;

namespace Dupr.Core.Runtime;

/// <summary>What `dupr env` prints: versions, devices, threads and the native-library fix.</summary>
public static class EnvironmentReport
{
    /// <summary>Collects the report as ordered (name, value) rows. Loads the native backend.</summary>
    public static IReadOnlyList<(string Name, string Value)> Collect()
    {
        var rows = new List<(string, string)>
        {
            ("dupr", typeof(EnvironmentReport).Assembly.GetName().Version?.ToString(3) ?? "unknown"),
            (".NET", RuntimeInformation.FrameworkDescription),
            ("os", RuntimeInformation.OSDescription),
            ("TorchSharp", TorchRuntime.TorchSharpVersion),
            ("backend", TorchRuntime.Backend),
            ("native library", TorchRuntime.NativeLibraryPath ?? "(not next to the application)"),
            ("libstdc++ fix", CompatibilityFixStatus()),
        };
        TorchRuntime.EnsureLoaded();
        bool cuda = torch.cuda.is_available();
        int cudaCount = cuda ? torch.cuda.device_count() : 0;
        var devices = new List<string> { "cpu" };
        devices.AddRange(Enumerable.Range(0, cudaCount).Select(i => $"cuda:{i}"));
        rows.Add(("libtorch", LibTorchVersion()));
        rows.Add(("devices", string.Join(", ", devices)));
        rows.Add(("cuda available", cuda ? $"yes ({cudaCount} device(s), cuDNN {(torch.cuda.is_cudnn_available() ? "yes" : "no")})" : "no"));
        if (cuda) rows.AddRange(GpuInventory.Rows());
        // Also without a usable GPU: a driver present but too old for the runtime is a reason CUDA is not available.
        if (CudaVersions.Driver() is { } driver) rows.Add(("cuda versions", $"driver supports {driver}, runtime {CudaVersions.Runtime() ?? "(no libcudart loads)"}"));
        rows.Add(("--device auto", DeviceSpec.AutoChoice(cuda, 0)));
        rows.Add(("cpu cores", Environment.ProcessorCount.ToString()));
        rows.Add(("torch threads", torch.get_num_threads().ToString()));
        rows.Add(("interop threads", torch.get_num_interop_threads().ToString()));
        rows.Add(("oneDNN ISA cap", NativeEnvironment.OneDnnIsa));
        rows.Add(("huge pages", NativeEnvironment.HugePages));
        rows.Add(("mpi", Distributed.World.Describe()));
        return rows;
    }

    /// <summary>libtorch's version as TorchSharp reports it, trimmed to three parts (2.10.0).</summary>
    public static string LibTorchVersion()
    {
        string version = torch.__version__;
        string[] parts = version.Split('.');
        return parts.Length > 3 && parts[3] == "0" ? string.Join('.', parts.Take(3)) : version;
    }

    /// <summary>Describes whether the libstdc++ compatibility fix was needed and applied.</summary>
    public static string CompatibilityFixStatus()
    {
        if (!OperatingSystem.IsLinux()) return "not needed (not Linux)";
        string? native = TorchRuntime.NativeLibraryPath;
        if (native == null) return "unknown (native library not found)";
        string? system = GlibcxxCompat.SystemLibStdCxx();
        bool provides = GlibcxxCompat.SystemProvides();
        string systemNote = $"system {Path.GetFileName(system ?? "libstdc++")} {(provides ? "has" : "lacks")} {GlibcxxCompat.NeededVersion}";
        return GlibcxxCompat.Inspect(native) switch
        {
            GlibcxxCompat.NeedState.Weak => $"applied ({systemNote}; need marked weak)",
            GlibcxxCompat.NeedState.Required when provides => $"not needed ({systemNote})",
            GlibcxxCompat.NeedState.Required => $"MISSING ({systemNote}; rebuild to apply it)",
            GlibcxxCompat.NeedState.NotNeeded => $"not needed (library does not need {GlibcxxCompat.NeededVersion})",
            _ => "unknown (not an ELF64 library)",
        };
    }
}
