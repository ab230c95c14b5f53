using Dupr.Core.Config;
using Dupr.Core.Training;

namespace Dupr.Detection.Config;

/// <summary>Batch, logging and evaluation cadence of a fine-tuning run (detectron2's IMS_PER_BATCH of 16 by default).</summary>
public sealed class DetectionTrainSection() : TrainSectionBase(batchSize: 16, workers: 4)
{
    /// <summary>
    /// Evaluate on the test set every this many iterations (detectron2's TEST.EVAL_PERIOD); 0: only at the end. Every run
    /// with a test set (datasets.test not empty) is evaluated at its end.
    /// </summary>
    public long EvalPeriod { get; set; }

    /// <summary>Seed of the initialisation and the data order.</summary>
    [ConfigRange(Min = 0)]
    public long Seed { get; set; }
}
