namespace Dupr.Benchmarks.Performance;

/// <summary>One measured throughput of `dupr bench loader`.</summary>
/// <param name="Pipeline">What was timed.</param>
/// <param name="Size">Output image size in pixels (view side, or short-edge range for detection).</param>
/// <param name="Data">The images it read.</param>
/// <param name="Threads">Loader workers, or torch threads for the training step.</param>
/// <param name="Count">Units processed in the timed part.</param>
/// <param name="Seconds">Wall time of the timed part.</param>
/// <param name="CpuSeconds">CPU time the whole process used in the timed part (all threads): on a shared machine the cost per unit is steadier than the rate.</param>
/// <param name="Unit">"samples" (two views each), "images" or "images (fwd+bwd)".</param>
/// <param name="ConsumerPerSecond">Images/s a ResNet-18 training step consumes at the same size, for pre-training rows.</param>
public sealed record LoaderBenchmarkRow(string Pipeline, string Size, string Data, int Threads, int Count, double Seconds, double CpuSeconds, string Unit, double? ConsumerPerSecond = null)
{
    /// <summary>Units per second.</summary>
    public double PerSecond => Count / Seconds;

    /// <summary>CPU milliseconds per unit.</summary>
    public double CpuMillisecondsPerUnit => 1000 * CpuSeconds / Count;

    /// <summary>Loader rate over the training step's consumption (the target is at least 2).</summary>
    public double? Ratio => ConsumerPerSecond is double c && c > 0 ? PerSecond / c : null;
}
