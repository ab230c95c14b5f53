namespace Dupr.Pretrain.Training;

/// <summary>Where a pre-training run reads and writes, and how it starts; the recipe itself is a <see cref="Config.PretrainConfig"/>.</summary>
public sealed record PretrainRunOptions
{
    /// <summary>Folder of unlabeled images (any tree of JPEG/PNG files).</summary>
    public required string Data { get; init; }

    /// <summary>Run directory: config.json, metrics.csv, tb/, checkpoints/, backbone.pth.</summary>
    public required string Output { get; init; }

    /// <summary>Continue from the run directory's last checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>Skip unreadable images (counted and reported) instead of stopping.</summary>
    public bool SkipBad { get; init; }

    /// <summary>Seed of the data order, augmentations and shuffle-BN permutations.</summary>
    public long Seed { get; init; }

    /// <summary>What measures the backbone every train.probe_period steps (needed when that period is positive).</summary>
    public IBackboneMonitor? Monitor { get; init; }
}
