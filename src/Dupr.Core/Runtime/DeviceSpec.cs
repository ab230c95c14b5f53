using TorchSharp;

namespace Dupr.Core.Runtime;

/// <summary>Parses and resolves the `--device auto|cpu|cuda[:N]` option.</summary>
public static class DeviceSpec
{
    /// <summary>Checks the syntax of a device option without touching the native library.</summary>
    public static void Validate(string spec)
    {
        if (spec is "auto" or "cpu" or "cuda") return;
        if (spec.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(spec.AsSpan(5), out int index) && index >= 0) return;
        throw new DuprException($"--device: '{spec}' is not one of auto, cpu, cuda, cuda:N");
    }

    /// <summary>The device to run on: auto picks cuda:0 when CUDA is available, else cpu.</summary>
    public static torch.Device Resolve(string spec)
    {
        Validate(spec);
        TorchRuntime.EnsureLoaded();
        if (spec == "cpu") return torch.CPU;
        bool cuda = torch.cuda.is_available();
        if (spec == "auto") return cuda ? new torch.Device(DeviceType.CUDA, 0) : torch.CPU;
        int index = spec == "cuda" ? 0 : int.Parse(spec.AsSpan(5));
        if (!cuda) throw new DuprException($"--device {spec}: CUDA is not available (this build uses the {TorchRuntime.Backend} backend)");
        int count = torch.cuda.device_count();
        if (index >= count) throw new DuprException($"--device {spec}: only {count} CUDA device(s) present");
        return new torch.Device(DeviceType.CUDA, index);
    }
}
