using System.Globalization;
using CsvHelper;
using Dupr.Benchmarks.Performance;
using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Reports;

/// <summary>
/// Makes a baseline (eval/baselines/*.csv) from the results of independent runs of a suite: each metric's value is the mean of
/// the runs' means over seeds, and its tolerance three standard errors of a run's mean (the larger of the seeds' spread over
/// the root of their count, pooled over runs, and the runs' own spread), at least a floor: an honest rerun falls inside it,
/// a change of a few standard errors does not. A metric with one value per run (a pre-training's probe) has no seeds' spread
/// and its runs' spread has one degree of freedom per pair of runs, so it takes the runs' spread pooled, relative to the
/// value, over its family: the same probe at every layer and of every pre-training (knn.res2 .. knn.res5 of MoCo v2 and DUPR).
/// A metric whose tolerance would reach its value is left out: no score (they are all non-negative) could fail it, and a gate
/// row that cannot fail is a defect.
/// </summary>
public static class BaselineBuilder
{
    /// <summary>Baseline rows for every (fine-tuning, pre-training, metric) that every run has, and the keys left out as vacuous.</summary>
    public static BaselineBuild Build(IReadOnlyList<IReadOnlyList<ResultRow>> runs, double floor = 0.5, double standardErrors = 3)
    {
        if (runs.Count == 0) throw new DuprException("a baseline needs at least one results file");
        var perRun = runs.Select(r => MetricSummary.Of(r).ToDictionary(s => (s.Finetuning, s.Pretraining, s.Metric))).ToList();
        var keys = perRun[0].Keys.Where(k => perRun.All(r => r.ContainsKey(k))).ToList();
        var single = keys.Where(k => perRun.All(r => r[k].Count == 1)).ToList();
        var familySpread = PooledRelativeSpread(single, perRun);
        var rows = new List<BaselineRow>();
        var vacuous = new List<string>();
        foreach (var key in keys)
        {
            var summaries = perRun.Select(r => r[key]).ToList();
            double value = summaries.Average(s => s.Mean);
            // Pooled variance of single seeds, and the variance of a run's mean it implies.
            int dof = summaries.Sum(s => s.Count - 1);
            double seedVariance = dof > 0 ? summaries.Sum(s => (s.Count - 1) * s.Std * s.Std) / dof : 0;
            double meanSe = Math.Sqrt(seedVariance / summaries.Average(s => s.Count));
            double runSpread = dof == 0 && familySpread.TryGetValue(Family(key), out double relative)
                ? relative * Math.Abs(value)
                : RunSpread(summaries.Select(s => s.Mean).ToList());
            double tolerance = Math.Max(floor, standardErrors * Math.Max(meanSe, runSpread));
            var row = new BaselineRow(key.Finetuning, key.Pretraining, key.Metric, Math.Round(value, 2), Math.Round(tolerance, 2), 0);
            if (row.Tolerance >= row.Value) vacuous.Add(row.Key);
            else rows.Add(row);
        }
        return new BaselineBuild(rows, vacuous);
    }

    // The sample standard deviation of the runs' means (0 for one run).
    static double RunSpread(IReadOnlyList<double> means) => Math.Sqrt(Statistics.SampleVariance(means));

    // Per family, the root of the mean of its metrics' relative variances over runs (each has the runs' count less one
    // degrees of freedom, so the plain mean pools them).
    static Dictionary<(string, string), double> PooledRelativeSpread(
        IReadOnlyList<(string Finetuning, string Pretraining, string Metric)> keys, IReadOnlyList<Dictionary<(string, string, string), MetricSummary>> perRun)
    {
        if (perRun.Count < 2) return [];
        return keys
            .Select(k => (Family: Family(k), Means: perRun.Select(r => r[k].Mean).ToList()))
            .Where(x => Math.Abs(x.Means.Average()) > 1e-9)
            .GroupBy(x => x.Family)
            .ToDictionary(g => g.Key, g => Math.Sqrt(g.Average(x => Math.Pow(RunSpread(x.Means) / x.Means.Average(), 2))));
    }

    // A metric's family: its fine-tuning and its name without the layer ("probe", "knn" for knn.res4 of any pre-training).
    static (string, string) Family((string Finetuning, string Pretraining, string Metric) key) =>
        (key.Finetuning, string.Join('.', key.Metric.Split('.').Where(part => !IsLayer(part))));

    static bool IsLayer(string part) => part.Length == 4 && part.StartsWith("res") && char.IsDigit(part[3]);

    /// <summary>Writes <paramref name="rows"/> as a baseline CSV (atomically).</summary>
    public static void Write(string path, IReadOnlyList<BaselineRow> rows) => AtomicFile.Write(path, stream =>
    {
        using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
        csv.WriteRecord(["finetuning", "pretraining", "metric", "value", "tolerance"]);
        var inv = CultureInfo.InvariantCulture;
        foreach (var r in rows)
            csv.WriteRecord([r.Finetuning, r.Pretraining, r.Metric, r.Value.ToString("0.##", inv), r.Tolerance!.Value.ToString("0.##", inv)]);
    });
}

/// <summary>What <see cref="BaselineBuilder.Build"/> made: the rows, and the metrics left out because their tolerance reached their value.</summary>
public sealed record BaselineBuild(IReadOnlyList<BaselineRow> Rows, IReadOnlyList<string> Vacuous);
