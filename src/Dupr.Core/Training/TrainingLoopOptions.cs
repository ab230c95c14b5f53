namespace Dupr.Core.Training;

/// <summary>What a <see cref="TrainingLoop"/> is called, its schedule and how it logs.</summary>
public sealed record TrainingLoopOptions
{
    /// <summary>"pretrain", "finetune": the progress label and the TensorBoard tag prefix.</summary>
    public required string Name { get; init; }

    /// <summary>The schedule, with <see cref="SolverConfig.MaxIter"/> resolved.</summary>
    public required SolverConfig Solver { get; init; }

    /// <summary>The base learning rate after the linear scaling rule (<see cref="LrSchedule.ScaledBaseLr"/>).</summary>
    public required double BaseLr { get; init; }

    /// <summary>Write a metrics.csv / TensorBoard row every this many iterations (and at the last).</summary>
    public required int LogPeriod { get; init; }

    /// <summary>The throughput column of the metrics rows, e.g. "images_per_s" or "iterations_per_s".</summary>
    public required string RateColumn { get; init; }

    /// <summary>Units of <see cref="RateColumn"/> per iteration: the batch size for images/s, 1 for iterations/s.</summary>
    public double RateUnitsPerIteration { get; init; } = 1;

    /// <summary>
    /// Iterations after which the loop also reads and checks the steps' values before the after-step work (besides log
    /// periods and checkpoints): e.g. a periodic evaluation, which must not score weights a non-finite loss has broken.
    /// </summary>
    public Func<long, bool>? ReadAfter { get; init; }

    /// <summary>How many loss terms (the total first) the progress line shows.</summary>
    public int ProgressTerms { get; init; } = 1;
}
