using Dupr.Core.Config;

namespace Dupr.Detection.Config;

/// <summary>What runs before the evaluations of a fine-tuning run (detectron2's TEST); the test set itself is datasets.test.</summary>
public sealed class DetectionTestSection
{
    /// <summary>BN statistics recomputed before each evaluation (detectron2's TEST.PRECISE_BN).</summary>
    public PreciseBnSection PreciseBn { get; set; } = new();
}

/// <summary>
/// detectron2's TEST.PRECISE_BN: before each evaluation (every train.eval_period iterations and at the end, before
/// model_final.dat is written) the running statistics of every BN layer are recomputed as the average of num_iter training
/// batches' statistics. Only layers with norm "BN" keep statistics: with FrozenBN or GN everywhere it does nothing.
/// </summary>
public sealed class PreciseBnSection
{
    /// <summary>Off by default, as in detectron2; on in MoCo's Base-RCNN-C4-BN recipes and detectron2's SyncBN FPN ones.</summary>
    public bool Enabled { get; set; }

    /// <summary>Training batches (micro-batches under train.accumulation) the statistics are averaged over.</summary>
    [ConfigRange(Min = 1)]
    public int NumIter { get; set; } = 200;
}
