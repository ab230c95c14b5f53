using Dupr.Core.Config;

namespace Dupr.Core.Training;

/// <summary>The train keys pre-training and fine-tuning share: batch, accumulation, precision, loader workers and log cadence.</summary>
public abstract class TrainSectionBase
{
    /// <summary>Sets the defaults that differ between the two (MoCo's 256 images and 8 workers; detectron2's 16 and 4).</summary>
    protected TrainSectionBase(int batchSize, int workers)
    {
        BatchSize = batchSize;
        Workers = workers;
    }

    /// <summary>Images per optimiser step over all processes (MoCo's and detectron2's global batch); the learning rate scales with it.</summary>
    [ConfigRange(Min = 1)]
    public int BatchSize { get; set; }

    /// <summary>
    /// Micro-batches accumulated into one optimiser step (batch_size is split into this many): each micro-batch's losses are
    /// scaled by 1/accumulation and their gradients summed, as the paper's GPUs' gradients are averaged. BN statistics come
    /// from one micro-batch, as they came from one GPU's images.
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
    public int Workers { get; set; }

    /// <summary>Write a metrics.csv / TensorBoard row every this many iterations.</summary>
    [ConfigRange(Min = 1)]
    public int LogPeriod { get; set; } = 20;
}
