using Dupr.Core.Training;
using Dupr.Core.Config;

namespace Dupr.Detection.Config;

/// <summary>Batch, logging and evaluation cadence of a fine-tuning run.</summary>
public sealed class DetectionTrainSection
{
    /// <summary>Images per optimiser step (detectron2's IMS_PER_BATCH); the learning rate scales with it.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>
    /// Micro-batches accumulated into one optimiser step (batch_size is split into this many, as in pre-training): each
    /// micro-batch's losses are scaled by 1/accumulation and their gradients summed, as detectron2 averages the gradients of
    /// its GPUs' batches. BN statistics (BN, not FrozenBN) come from one micro-batch, as they came from one GPU's images.
    /// </summary>
    [ConfigRange(Min = 1)]
    public int Accumulation { get; set; } = 1;

    /// <summary>
    /// Compute precision of the training steps: fp32, or bf16 / fp16 for convolutions and matrix products with float32 master
    /// weights, norms, losses and optimiser (torch.autocast's split; fp16 adds dynamic loss scaling). Evaluation stays float32.
    /// </summary>
    public Precision Precision { get; set; } = Precision.Fp32;

    /// <summary>Let CUDA's float32 convolutions and matmuls use TF32 (Ampere and later); off, they match the CPU's float32. No effect on the CPU.</summary>
    public bool Tf32 { get; set; }

    /// <summary>Loader worker threads.</summary>
    [ConfigRange(Min = 0)]
    public int Workers { get; set; } = 4;

    /// <summary>Write a metrics.csv / TensorBoard row every this many iterations.</summary>
    [ConfigRange(Min = 1)]
    public int LogPeriod { get; set; } = 20;

    /// <summary>
    /// Evaluate on the test set every this many iterations (detectron2's TEST.EVAL_PERIOD); 0: only at the end. Every run
    /// with a test set (datasets.test not empty) is evaluated at its end.
    /// </summary>
    public long EvalPeriod { get; set; }

    /// <summary>Seed of the initialisation and the data order.</summary>
    [ConfigRange(Min = 0)]
    public long Seed { get; set; }
}
