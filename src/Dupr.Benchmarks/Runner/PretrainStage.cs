using Dupr.Pretrain.Config;
using Dupr.Pretrain.Training;

namespace Dupr.Benchmarks.Runner;

/// <summary>A `dupr pretrain` run; exports run/backbone.pth. Pre-trainings of a suite with the same recipe and seed share one.</summary>
public sealed record PretrainStage : Stage
{
    /// <summary>The pre-training seed.</summary>
    public required long Seed { get; init; }

    /// <summary>The resolved recipe (config file plus the suite's overrides).</summary>
    public required PretrainConfig Config { get; init; }

    /// <summary>The unlabeled images folder.</summary>
    public required string Images { get; init; }

    /// <summary>The labeled set of the online kNN monitor (train.probe_period > 0); null: no monitor.</summary>
    public LabeledSet? ProbeSet { get; init; }

    /// <summary>The trainer's run directory.</summary>
    public string RunDirectory => Path.Combine(Directory, "run");

    /// <summary>The exported backbone that fine-tunings start from.</summary>
    public string Backbone => Path.Combine(RunDirectory, PretrainTrainer.BackbonePth);

    /// <inheritdoc />
    public override bool OutputsPresent() => File.Exists(Backbone);
}

/// <summary>A labeled detection set: the recipe that names it and the data folder it lives in.</summary>
public sealed record LabeledSet(Dupr.Detection.Config.DetectionConfig Config, string Data);
