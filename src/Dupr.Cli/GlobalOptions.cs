using Cocona;
using Dupr.Core.Runtime;

namespace Dupr.Cli;

/// <summary>The options every `dupr` command accepts.</summary>
public sealed class GlobalOptions : ICommandParameterSet
{
    [Option("device", Description = "Where tensors live: auto (a GPU if available, else cpu), cpu, cuda or cuda:N. Under mpiexec, auto and cuda take GPU cuda:<local rank>.")]
    [HasDefaultValue]
    public string Device { get; set; } = "auto";

    [Option("threads", Description = "CPU threads for torch operations (default: one per core; under mpiexec, the cores of the machine split between its ranks).")]
    [HasDefaultValue]
    public int? Threads { get; set; }

    [Option("seed", Description = "Seed for every random generator, so runs repeat.")]
    [HasDefaultValue]
    public long Seed { get; set; }

    [Option("verbose", Description = "Print debug detail.")]
    [HasDefaultValue]
    public bool Verbose { get; set; }

    /// <summary>The runtime options these flags describe, validated; also turns on verbose logging.</summary>
    public RuntimeOptions ToRuntimeOptions()
    {
        var options = new RuntimeOptions(Device, Threads, Seed, Verbose);
        options.Validate();
        Log.Verbose = Verbose;
        return options;
    }
}
