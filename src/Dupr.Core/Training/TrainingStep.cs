namespace Dupr.Core.Training;

/// <summary>The step a <see cref="TrainingLoop"/> asks for: its 0-based iteration.</summary>
public readonly record struct TrainingStep(long Iteration);
