namespace Dupr.Core.Training;

/// <summary>The step a <see cref="TrainingLoop"/> asks for: its 0-based iteration and the checkpoint to name if its loss is not finite.</summary>
public readonly record struct TrainingStep(long Iteration, string? LastCheckpoint)
{
    /// <summary>Stops training (see <see cref="LossGuard"/>) if any of <paramref name="terms"/> is NaN or infinite; call before the optimiser step.</summary>
    public void EnsureFinite(IEnumerable<(string Name, double Value)> terms) => LossGuard.EnsureFinite(terms, Iteration, LastCheckpoint);
}

/// <summary>What one optimisation step reports: its loss terms ("loss", the total, first) and extra metrics columns after the rate.</summary>
public sealed record StepReport(IReadOnlyList<(string Name, double Value)> Terms, IReadOnlyList<(string Name, double Value)>? Extra = null)
{
    /// <summary>Each name's mean over the micro-batches of an accumulated step, in the order the names first appear.</summary>
    public static List<(string Name, double Value)> MeanTerms(IEnumerable<(string Name, double Value)> values) =>
        values.GroupBy(t => t.Name).Select(g => (g.Key, g.Average(t => t.Value))).ToList();
}

/// <summary>Where a <see cref="TrainingLoop"/> stopped: iterations done, whether it was cancelled, the last step's terms, speed and checkpoint.</summary>
public sealed record TrainingLoopResult(long Iterations, bool Interrupted, IReadOnlyList<(string Name, double Value)> LastTerms,
    double IterationsPerSecond, string LastCheckpoint);
