using Dupr.Detection.Config;
using Dupr.Detection.Training;

namespace Dupr.Benchmarks.Runner;

/// <summary>A `dupr finetune` run of one recipe from one initialisation with one seed; writes run/model_final.dat.</summary>
public sealed record FinetuneStage : Stage
{
    /// <summary>The fine-tuning seed.</summary>
    public required long Seed { get; init; }

    /// <summary>The resolved recipe (config file plus the suite's overrides; train.seed = <see cref="Seed"/>).</summary>
    public required DetectionConfig Config { get; init; }

    /// <summary>The detection data folder (holding VOCdevkit/ or the COCO files).</summary>
    public required string Data { get; init; }

    /// <summary>The backbone checkpoint to start from; null for random init.</summary>
    public required string? Weights { get; init; }

    /// <summary>The trainer's run directory.</summary>
    public string RunDirectory => Path.Combine(Directory, "run");

    /// <summary>The fine-tuned detector.</summary>
    public string FinalWeights => Path.Combine(RunDirectory, DetectionTrainer.FinalWeights);

    /// <inheritdoc />
    public override bool OutputsPresent() => File.Exists(FinalWeights);
}
