using Dupr.Benchmarks.Performance;

namespace Dupr.Benchmarks.Reports;

/// <summary>A metric of one (fine-tuning, pre-training) over its seeds: mean, sample standard deviation, count.</summary>
public sealed record MetricSummary(string Finetuning, string Pretraining, string Metric, double Mean, double Std, int Count)
{
    /// <summary>Summaries of <paramref name="rows"/> grouped by fine-tuning, pre-training and metric (first-seen order).</summary>
    public static IReadOnlyList<MetricSummary> Of(IEnumerable<ResultRow> rows) =>
        rows.GroupBy(r => (r.Finetuning, r.Pretraining, r.Metric))
            .Select(g =>
            {
                double[] v = g.Select(r => r.Value).ToArray();
                double mean = v.Average();
                // Sample standard deviation (n - 1), as the spread of a seed's result; 0 for a single seed.
                double std = Math.Sqrt(Statistics.SampleVariance(v));
                return new MetricSummary(g.Key.Finetuning, g.Key.Pretraining, g.Key.Metric, mean, std, v.Length);
            })
            .ToList();
}
