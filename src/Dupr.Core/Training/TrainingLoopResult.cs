namespace Dupr.Core.Training;

/// <summary>Where a <see cref="TrainingLoop"/> stopped: iterations done, whether it was cancelled, the last step's terms, speed and checkpoint.</summary>
public sealed record TrainingLoopResult(long Iterations, bool Interrupted, IReadOnlyList<(string Name, double Value)> LastTerms,
    double IterationsPerSecond, string LastCheckpoint);
