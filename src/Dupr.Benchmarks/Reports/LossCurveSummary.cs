using System.Globalization;
using System.Text;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Pretrain.Training;

namespace Dupr.Benchmarks.Reports;

/// <summary>How one loss term of a training run moved: its mean over the first and the last logged rows.</summary>
/// <param name="FirstAccuracy">The term's contrastive top-1 accuracy over the same rows, when the run logged it (pre-training).</param>
public sealed record LossTermChange(string Term, double First, double Last, double? FirstAccuracy, double? LastAccuracy)
{
    /// <summary>True when the term ended lower than it started.</summary>
    public bool Fell => Last < First;
}

/// <summary>
/// Did every loss term of a run fall? Compares the mean of each loss column of metrics.csv over the first
/// <c>window</c> logged rows with its mean over the last <c>window</c> (means, because single rows of a contrastive loss
/// are noisy at small batches).
/// </summary>
public static class LossCurveSummary
{
    /// <summary>metrics.csv columns that are not loss terms.</summary>
    public static readonly IReadOnlySet<string> NotLosses = new HashSet<string> { "iteration", "lr", "images_per_s", "iterations_per_s", "no_overlap" };

    /// <summary>True for a loss column (the total "loss" included), false for rates, counts and accuracies.</summary>
    public static bool IsLoss(string column) =>
        !NotLosses.Contains(column) && !column.StartsWith(PretrainTrainer.AccuracyPrefix) && !column.StartsWith(PretrainTrainer.ProbePrefix);

    /// <summary>The change of every loss term of <paramref name="metricsCsv"/>; throws when it has fewer than 2 x window rows.</summary>
    public static IReadOnlyList<LossTermChange> Read(string metricsCsv, int window)
    {
        if (window < 1) throw new DuprException($"the window must be at least one row, got {window}");
        if (!File.Exists(metricsCsv)) throw new DuprException($"{metricsCsv}: no such file");
        var rows = MetricsCsv.Read(metricsCsv).Where(r => r.ContainsKey("loss")).ToList(); // rows of probes alone are not steps
        if (rows.Count < 2 * window)
            throw new DuprException($"{metricsCsv}: {rows.Count} logged rows, need at least {2 * window} for two windows of {window}");
        var first = rows.Take(window).ToList();
        var last = rows.Skip(rows.Count - window).ToList();
        double? Mean(List<Dictionary<string, double>> window, string column) =>
            window.All(r => r.ContainsKey(column)) ? window.Average(r => r[column]) : null;
        return rows[0].Keys.Where(IsLoss).Select(term => new LossTermChange(term,
                Mean(first, term) ?? double.NaN, Mean(last, term) ?? double.NaN,
                Mean(first, PretrainTrainer.AccuracyPrefix + term), Mean(last, PretrainTrainer.AccuracyPrefix + term)))
            .ToList();
    }

    /// <summary>One line per term: first -> last (change), and the accuracy where there is one.</summary>
    public static string Text(IReadOnlyList<LossTermChange> changes)
    {
        var text = new StringBuilder();
        int width = changes.Max(c => c.Term.Length);
        foreach (var c in changes)
        {
            text.Append(CultureInfo.InvariantCulture, $"{c.Term.PadRight(width)}  {c.First,9:0.0000} -> {c.Last,9:0.0000}  ({c.Last - c.First:+0.0000;-0.0000})  {(c.Fell ? "fell" : "DID NOT FALL")}");
            if (c.FirstAccuracy is double a0 && c.LastAccuracy is double a1)
                text.Append(CultureInfo.InvariantCulture, $"  top-1 {a0:0.000} -> {a1:0.000}");
            text.AppendLine();
        }
        return text.ToString();
    }
}
