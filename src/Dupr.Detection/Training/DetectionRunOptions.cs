namespace Dupr.Detection.Training;

/// <summary>Where a fine-tuning run reads and writes, and how it starts; the recipe itself is a <see cref="Config.DetectionConfig"/>.</summary>
public sealed record DetectionRunOptions
{
    /// <summary>
    /// The data folder (e.g. data/shapes from `dupr data synth`): VOC configs read its VOCdevkit/ (or the folder as a VOCdevkit);
    /// COCO configs' "annotation file:image folder" sets are relative to it.
    /// </summary>
    public required string Data { get; init; }

    /// <summary>Run directory: config.json, metrics.csv, tb/, checkpoints/, model_final.dat, and the evaluations (<see cref="TrainingEvaluation"/>).</summary>
    public required string Output { get; init; }

    /// <summary>Backbone initialisation (our backbone.pth export, a torchvision or MoCo-style checkpoint); null: random.</summary>
    public string? Weights { get; init; }

    /// <summary>Continue from the run directory's last checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>Seed of the initialisation, data order and augmentations.</summary>
    public long Seed { get; init; }
}
