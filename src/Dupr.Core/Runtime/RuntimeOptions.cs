using Dupr.Core.Distributed;
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

    /// <summary>
    /// Loads TorchSharp, sets its thread count and seeds every generator; returns the device. Under an MPI launcher it joins
    /// the world first: each rank takes its share of the machine's cores (unless --threads says otherwise) and, for cuda or
    /// auto, the GPU of its local rank; ranks other than 0 print only warnings and errors (rank 0 reports for the run).
    /// </summary>
    public torch.Device Apply()
    {
        Validate();
        var world = World.Current;
        if (!world.IsMain)
        {
            Log.Rank = world.Rank;
            Console.SetOut(TextWriter.Null);
        }
        TorchRuntime.EnsureLoaded();
        int? threads = Threads ?? (world.LocalSize > 1 ? Math.Max(1, Environment.ProcessorCount / world.LocalSize) : null);
        if (threads is int count) torch.set_num_threads(count);
        Seeding.SeedAll(Seed);
        var device = DeviceSpec.Resolve(Device, world.LocalRank);
        if (world.Size > 1) Log.Info($"MPI world of {world.Size} ranks ({world.LocalSize} on this machine); rank 0 on {device}, {torch.get_num_threads()} thread(s) per rank");
        return device;
    }
}
