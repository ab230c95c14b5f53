namespace Dupr.Benchmarks.Runner;

/// <summary>What happened to a stage in one run: reused from an earlier run, or run now (fresh or continuing a started one).</summary>
public enum StageStatus
{
    /// <summary>Finished by an earlier run; skipped.</summary>
    Cached,

    /// <summary>Run from the start.</summary>
    Ran,

    /// <summary>Started by an earlier run and continued now.</summary>
    Resumed,
}

/// <summary>A stage and what this run did with it.</summary>
public sealed record StageOutcome(Stage Stage, StageStatus Status, TimeSpan Elapsed);
