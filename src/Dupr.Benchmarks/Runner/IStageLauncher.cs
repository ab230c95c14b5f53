namespace Dupr.Benchmarks.Runner;

/// <summary>Starts one stage outside the calling thread (e.g. in a child process) for <see cref="ParallelSuiteRunner"/>.</summary>
public interface IStageLauncher
{
    /// <summary>
    /// Runs <paramref name="stage"/> (its done marker written on success); completes when it ends, faulted with a
    /// <see cref="Core.Runtime.DuprException"/> when it failed. <paramref name="stop"/> asks it to stop at its next step
    /// boundary, leaving its checkpoint for a later run.
    /// </summary>
    Task Launch(Stage stage, CancellationToken stop);
}
