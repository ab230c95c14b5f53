namespace Dupr.Core.Training;

/// <summary>The step a <see cref="TrainingLoop"/> asks for: its 0-based iteration and the checkpoint to name if its loss is not finite.</summary>
public readonly record struct TrainingStep(long Iteration, string? LastCheckpoint)
{
    /// <summary>Stops training (see <see cref="LossGuard"/>) if any of <paramref name="terms"/> is NaN or infinite; call before the optimiser step.</summary>
    public void EnsureFinite(IEnumerable<(string Name, double Value)> terms) => LossGuard.EnsureFinite(terms, Iteration, LastCheckpoint);
}
