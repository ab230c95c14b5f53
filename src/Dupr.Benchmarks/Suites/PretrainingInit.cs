namespace Dupr.Benchmarks.Suites;

/// <summary>Where a pre-training's backbone comes from.</summary>
public enum PretrainingInit
{
    /// <summary>No pre-training: the detector starts from random weights.</summary>
    Random,

    /// <summary>A ResNet checkpoint file (e.g. ImageNet-supervised torchvision weights).</summary>
    Weights,

    /// <summary>A `dupr pretrain` run (MoCo v2, DUPR or an ablation) that the suite runs itself.</summary>
    Pretrain,
}
