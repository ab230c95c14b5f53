using Dupr.Core.Runtime;

namespace Dupr.Core.Distributed;

/// <summary>How a trainer splits its global batch over the ranks of a <see cref="World"/> and its micro-batches.</summary>
public static class DataParallel
{
    /// <summary>
    /// Images per micro-batch on each rank: <paramref name="globalBatch"/> (the recipe's batch, e.g. the paper's 256 on 8
    /// GPUs) over the ranks and the <paramref name="accumulation"/> micro-batches of a step.
    /// </summary>
    public static int MicroBatch(World world, int globalBatch, int accumulation)
    {
        int parts = accumulation * world.Size;
        if (globalBatch < 1 || accumulation < 1 || globalBatch % parts != 0)
            throw new DuprException(world.Size == 1
                ? $"train.batch_size ({globalBatch}) must be a positive multiple of train.accumulation ({accumulation})"
                : $"train.batch_size ({globalBatch}) must be a positive multiple of train.accumulation ({accumulation}) x {world.Size} ranks");
        return globalBatch / parts;
    }

    /// <summary>"4 x 32" or "2 ranks x 2 x 32": how a step's batch is made, for the run's first log line.</summary>
    public static string Describe(World world, int accumulation, int microBatch) =>
        (world.Size > 1 ? $"{world.Size} ranks x " : "") + $"{accumulation} x {microBatch}";

    /// <summary>
    /// The metrics.csv columns of a data-parallel step (none in a world of one): the seconds its gradient all-reduce took and
    /// the seconds it waited before it for the slowest rank.
    /// </summary>
    public static IReadOnlyList<(string Name, double Value)> StepColumns(World world, GradientAverager gradients) =>
        world.Size > 1 ? [("allreduce_s", gradients.Seconds), ("rank_wait_s", gradients.WaitSeconds)] : [];

    /// <summary>
    /// The token a rank's loader may stop on: a stop request then ends the step it interrupts. With several ranks none, since
    /// a rank that left a step early would leave the others waiting in its collectives; the training loop's agreed stop
    /// (<see cref="World.Any"/>) ends every rank at the same step boundary instead.
    /// </summary>
    public static CancellationToken LoaderCancellation(World world, CancellationToken cancellation) => world.Size == 1 ? cancellation : CancellationToken.None;
}
