using System.Globalization;

namespace Dupr.Benchmarks.Runner;

/// <summary>
/// What decides a suite run's plan (`dupr bench run` and its `bench stage` children are given the same): the suite file,
/// the output folder, the data and stage folders, the evaluation batch and the seed overrides.
/// </summary>
public sealed record SuiteRunOptions(string Suite, string Output)
{
    /// <summary>Where a synthetic suite's world is generated (default: inside the output), or a paper-scale suite's data.</summary>
    public string? Data { get; init; }

    /// <summary>A stage folder shared with other suites instead of output/stages.</summary>
    public string? Stages { get; init; }

    /// <summary>Images per forward pass in the evaluation stages.</summary>
    public int InferenceBatch { get; init; } = 4;

    /// <summary>Fine-tuning seeds instead of the suite's, comma-separated.</summary>
    public string? Seeds { get; init; }

    /// <summary>Seed of every pre-training instead of the suite's.</summary>
    public long? PretrainSeed { get; init; }

    /// <summary>
    /// The `bench stage` arguments with which a child process rebuilds this very plan on <paramref name="device"/> (paths made
    /// absolute); <see cref="ChildProcessLauncher"/> adds the stage's name and the thread count.
    /// </summary>
    public List<string> StageArguments(string suitePath, string device)
    {
        var arguments = new List<string> { "bench", "stage", "--suite", suitePath, "--output", Path.GetFullPath(Output),
                                            "--inference-batch", InferenceBatch.ToString(CultureInfo.InvariantCulture), "--device", device };
        if (Data != null) arguments.AddRange(["--data", Path.GetFullPath(Data)]);
        if (Stages != null) arguments.AddRange(["--stages", Path.GetFullPath(Stages)]);
        if (Seeds != null) arguments.AddRange(["--seeds", Seeds]);
        if (PretrainSeed != null) arguments.AddRange(["--pretrain-seed", PretrainSeed.Value.ToString(CultureInfo.InvariantCulture)]);
        return arguments;
    }
}
