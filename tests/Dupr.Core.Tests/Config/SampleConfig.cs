using Dupr.Core.Config;

namespace Dupr.Core.Tests.Config;

// A config schema shaped like the real ones: nested sections, lists, enums, nullable values, a map, numeric ranges.
public enum SampleNorm { BN, FrozenBN, GN }

public sealed class SampleConfig
{
    public string Name { get; set; } = "default";
    public SampleModel Model { get; set; } = new();
    public SampleSolver Solver { get; set; } = new();
    public Dictionary<string, double> Weights { get; set; } = new() { ["image"] = 1.0 };
}

public sealed class SampleModel
{
    public int Depth { get; set; } = 50;
    public SampleNorm Norm { get; set; } = SampleNorm.BN;
    public List<string> OutFeatures { get; set; } = ["res4"];
    public string? Weights { get; set; }
}

public sealed class SampleSolver
{
    [ConfigRange(Min = 0, MinExclusive = true)]
    public double BaseLr { get; set; } = 0.02;
    [ConfigRange(Min = 0)]
    public long MaxIter { get; set; } = 90000;
    [ConfigRange(Min = 0)]
    public List<int> Steps { get; set; } = [60000, 80000];
    public bool Amp { get; set; }
    [ConfigRange(Min = 0)]
    public int? Seed { get; set; }
}
