using TorchSharp;

namespace Dupr.Core.Runtime;

/// <summary>The options every command shares: device, threads, seed and verbosity.</summary>
public sealed record RuntimeOptions(string Device = "auto", int? Threads = null, long Seed = 0, bool Verbose = false)
{
    /// <summary>Checks the options without loading the native library.</summary>
    public void Validate()
    {
        DeviceSpec.Validate(Device);
        if (Threads is < 1) throw new DuprException($"--threads: must be at least 1, got {Threads}");
        if (Seed < 0) throw new DuprException($"--seed: must be non-negative, got {Seed}");
    }

    /// <summary>Loads TorchSharp, sets its thread count and seeds every generator; returns the device.</summary>
    public torch.Device Apply()
    {
        Validate();
        TorchRuntime.EnsureLoaded();
        if (Threads is int threads) torch.set_num_threads(threads);
        Seeding.SeedAll(Seed);
        return DeviceSpec.Resolve(Device);
    }
}
