using TorchSharp;

namespace Dupr.Core.Runtime;

/// <summary>Parses and resolves the `--device auto|cpu|cuda[:N]` option.</summary>
public static class DeviceSpec
{
    static bool _told;

    /// <summary>Checks the syntax of a device option without touching the native library.</summary>
    public static void Validate(string spec)
    {
        if (spec is "auto" or "cpu" or "cuda") return;
        if (spec.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(spec.AsSpan(5), out int index) && index >= 0) return;
        throw new DuprException($"--device: '{spec}' is not one of auto, cpu, cuda, cuda:N");
    }

    /// <summary>What --device auto picks here and why, e.g. "cpu (no CUDA: this build uses the cpu backend)".</summary>
    public static string AutoChoice(bool cudaAvailable, int localRank) => cudaAvailable
        ? $"cuda:{localRank} ({torch.cuda.device_count()} CUDA device(s){(localRank > 0 ? $", this is local rank {localRank}" : "")})"
        : TorchRuntime.Backend != "cpu"
            ? $"cpu (this {TorchRuntime.Backend} build finds no usable GPU or driver)"
            : "cpu (no CUDA: this build uses the cpu backend; build with -p:TorchBackend=cuda on a GPU machine)";

    /// <summary>
    /// Whether the loaders that feed <paramref name="device"/> put their batches in pinned (page-locked) host memory: for a
    /// GPU, so that copies to it run without blocking the host; elsewhere there is nothing to gain (and no pinning without CUDA).
    /// </summary>
    public static bool PinsBatches(torch.Device device) => device.type == DeviceType.CUDA;

    /// <summary>
    /// The device to run on: auto picks a GPU when CUDA is available, else cpu; auto and cuda pick GPU
    /// <paramref name="localRank"/> (the rank's among the processes of this machine, 0 without MPI).
    /// </summary>
    public static torch.Device Resolve(string spec, int localRank = 0)
    {
        Validate(spec);
        TorchRuntime.EnsureLoaded();
        if (spec == "cpu") return torch.CPU;
        bool cuda = torch.cuda.is_available();
        if (spec == "auto")
        {
            // Said once per process, however often the choice is looked up.
            if (!_told) Log.Info($"--device auto: {AutoChoice(cuda, localRank)}");
            _told = true;
            if (!cuda) return torch.CPU;
        }
        int index = spec is "auto" or "cuda" ? localRank : int.Parse(spec.AsSpan(5));
        if (!cuda) throw new DuprException($"--device {spec}: CUDA is not available (this build uses the {TorchRuntime.Backend} backend)");
        int count = torch.cuda.device_count();
        if (index >= count) throw new DuprException($"--device {spec}: only {count} CUDA device(s) present");
        return new torch.Device(DeviceType.CUDA, index);
    }
}
