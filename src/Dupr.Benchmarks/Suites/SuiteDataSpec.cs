using Dupr.Benchmarks.Synthetic;

namespace Dupr.Benchmarks.Suites;

/// <summary>A suite's images: the synthetic world it generates, or real datasets under `--data`.</summary>
public sealed class SuiteDataSpec
{
    /// <summary>Generate this synthetic world (`dupr data synth` options) as the suite's first stage; null: real datasets under --data.</summary>
    public SyntheticWorldOptions? Synthetic { get; set; }

    /// <summary>The unlabeled pre-training images, relative to the data folder (e.g. "unlabeled", "imagenet/train").</summary>
    public string Unlabeled { get; set; } = "unlabeled";

    /// <summary>The detection data (a folder holding VOCdevkit/ or the COCO files the configs name), relative to the data folder; a fine-tuning may name its own.</summary>
    public string Detection { get; set; } = ".";
}
