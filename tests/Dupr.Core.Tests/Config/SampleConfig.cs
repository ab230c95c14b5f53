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

// A schema no other test reads, so the first lookups of its properties race in ConfigsValidateOnParallelThreads.
public sealed class WideSampleConfig
{
    public WideSection A { get; set; } = new();
    public WideSection B { get; set; } = new();
    public WideSection C { get; set; } = new();
    public WideSection D { get; set; } = new();
}

public sealed class WideSection
{
    public string? S0 { get; set; }
    public string? S1 { get; set; }
    public string? S2 { get; set; }
    public string? S3 { get; set; }
    public string? S4 { get; set; }
    public string? S5 { get; set; }
    public string? S6 { get; set; }
    public string? S7 { get; set; }
    public List<string>? L0 { get; set; }
    public List<string>? L1 { get; set; }
    public List<string>? L2 { get; set; }
    public List<string>? L3 { get; set; }
    public Dictionary<string, string>? M0 { get; set; }
    public Dictionary<string, string>? M1 { get; set; }
    public SampleModel? Model { get; set; }
    public SampleSolver? Solver { get; set; }
}
