using Dupr.Core.Config;

namespace Dupr.Core.Training;

/// <summary>How the learning rate moves over iterations.</summary>
public enum LrPolicy { Cosine, MultiStep, Constant }

/// <summary>SGD and learning-rate schedule settings shared by pre-training and fine-tuning (detectron2's SOLVER).</summary>
public sealed record SolverConfig
{
    /// <summary>Learning rate for <see cref="ReferenceBatchSize"/> images per step; scaled linearly with the real batch.</summary>
    [ConfigRange(Min = 0, MinExclusive = true)]
    public double BaseLr { get; set; } = 0.02;

    /// <summary>The batch size <see cref="BaseLr"/> is quoted for (MoCo: 256, detectron2: 16).</summary>
    [ConfigRange(Min = 1)]
    public int ReferenceBatchSize { get; set; } = 16;

    [ConfigRange(Min = 0, Max = 1)]
    public double Momentum { get; set; } = 0.9;

    [ConfigRange(Min = 0)]
    public double WeightDecay { get; set; } = 1e-4;

    /// <summary>
    /// Weight decay of the norm layers' parameters (BN and GN weights and biases; detectron2's SOLVER.WEIGHT_DECAY_NORM, 0 there);
    /// null: <see cref="WeightDecay"/>, one decay for every parameter.
    /// </summary>
    [ConfigRange(Min = 0)]
    public double? WeightDecayNorm { get; set; }

    /// <summary>Total optimisation steps.</summary>
    [ConfigRange(Min = 0)]
    public long MaxIter { get; set; } = 90000;

    public LrPolicy Policy { get; set; } = LrPolicy.MultiStep;

    /// <summary>Iterations at which the rate is multiplied by <see cref="Gamma"/> (multi-step policy).</summary>
    [ConfigRange(Min = 0)]
    public List<long> Steps { get; set; } = [60000, 80000];

    [ConfigRange(Min = 0, MinExclusive = true)]
    public double Gamma { get; set; } = 0.1;

    /// <summary>Linear warm-up length in iterations (0: none).</summary>
    [ConfigRange(Min = 0)]
    public long WarmupIters { get; set; } = 1000;

    /// <summary>The rate's factor at iteration 0 of the warm-up.</summary>
    [ConfigRange(Min = 0, Max = 1)]
    public double WarmupFactor { get; set; } = 0.001;

    /// <summary>Save a checkpoint every this many iterations (and at the end).</summary>
    [ConfigRange(Min = 1)]
    public long CheckpointPeriod { get; set; } = 5000;
}
