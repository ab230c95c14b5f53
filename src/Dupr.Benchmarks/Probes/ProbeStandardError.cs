using Dupr.Benchmarks.Performance;
using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Probes;

/// <summary>
/// Standard errors of the probes' numbers over their test samples: how much a probe's value would move on another draw of
/// objects, view pairs or boxes. A suite probes each pre-training once, so this is the only spread its probe differences have.
/// </summary>
public static class ProbeStandardError
{
    /// <summary>Resamples of <see cref="Bootstrap{T}"/> in the probes.</summary>
    public const int Resamples = 200;

    /// <summary>Of a share <paramref name="p"/> (fraction) of <paramref name="n"/> independent trials (kNN and linear top-1 over test objects): sqrt(p (1 - p) / n).</summary>
    public static double Proportion(double p, int n) => n > 0 && double.IsFinite(p) ? Math.Sqrt(p * (1 - p) / n) : double.NaN;

    /// <summary>
    /// Of the ratio sum(numerators) / sum(denominators) over independent clusters (correspondence: credit over cells, a view
    /// pair per cluster, as a pair's cells are not independent of each other): the linearised (delta-method) cluster estimate.
    /// </summary>
    public static double Ratio(IReadOnlyList<(double Numerator, double Denominator)> clusters)
    {
        int n = clusters.Count;
        double total = clusters.Sum(c => c.Denominator);
        if (n < 2 || total <= 0) return double.NaN;
        double ratio = clusters.Sum(c => c.Numerator) / total;
        double squares = clusters.Sum(c => (c.Numerator - ratio * c.Denominator) * (c.Numerator - ratio * c.Denominator));
        return Math.Sqrt(n / (n - 1.0) * squares) / total;
    }

    /// <summary>
    /// The bootstrap standard error of <paramref name="statistic"/> over <paramref name="clusters"/> (resampled with replacement,
    /// <paramref name="resamples"/> times, draws from <paramref name="rng"/>): for statistics without a closed form, such as
    /// the IoU-similarity slope and gap with a box's RoIs as one cluster. Resamples where the statistic is undefined are skipped.
    /// </summary>
    public static double Bootstrap<T>(IReadOnlyList<T> clusters, Func<IReadOnlyList<T>, double> statistic, SampleRng rng, int resamples = Resamples)
    {
        if (clusters.Count < 2) return double.NaN;
        var values = new List<double>(resamples);
        var draw = new T[clusters.Count];
        for (int r = 0; r < resamples; r++)
        {
            for (int i = 0; i < draw.Length; i++) draw[i] = clusters[rng.NextInt(clusters.Count)];
            double v = statistic(draw);
            if (double.IsFinite(v)) values.Add(v);
        }
        return values.Count < 2 ? double.NaN : Math.Sqrt(Statistics.SampleVariance(values));
    }
}
