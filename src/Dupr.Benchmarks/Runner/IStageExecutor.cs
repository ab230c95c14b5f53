using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Runner;

/// <summary>Does the work of a stage inside its folder; <see cref="SuiteRunner"/> decides which stages need it.</summary>
public interface IStageExecutor
{
    /// <summary>
    /// Runs <paramref name="stage"/>, continuing from what an interrupted earlier attempt left in its folder; returns what
    /// done.json should record. Throws <see cref="StageInterruptedException"/> when <paramref name="cancellation"/> stops it.
    /// </summary>
    JObject Run(Stage stage, CancellationToken cancellation);
}
