using Dupr.Benchmarks.Synthetic;

namespace Dupr.Benchmarks.Runner;

/// <summary>Generates (or reuses) the suite's synthetic world at <see cref="Root"/>.</summary>
public sealed record DataStage : Stage
{
    /// <summary>The world's options; its key (the world is byte-identical for equal options wherever it is written).</summary>
    public required SyntheticWorldOptions Options { get; init; }

    /// <summary>Where the world is (--data, or a folder inside the stage).</summary>
    public required string Root { get; init; }

    /// <inheritdoc />
    public override bool OutputsPresent() => File.Exists(Path.Combine(Root, SyntheticWorld.ManifestName));
}
