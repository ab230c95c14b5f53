namespace Dupr.Benchmarks.Performance;

/// <summary>Summary statistics of repeated measurements (timings, seeds, runs).</summary>
public static class Statistics
{
    /// <summary>The median (the mean of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("no values", nameof(values));
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The sample variance (n - 1 in the denominator); 0 for fewer than two values.</summary>
    public static double SampleVariance(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        return values.Sum(x => (x - mean) * (x - mean)) / (values.Count - 1);
    }
}
