using System.Globalization;
using System.Text;

namespace Dupr.Benchmarks.Reports;

/// <summary>How a baseline metric fared.</summary>
public enum CheckVerdict
{
    /// <summary>Within tolerance of the baseline, or above it.</summary>
    Pass,

    /// <summary>Below the baseline by more than the tolerance.</summary>
    Regression,

    /// <summary>The results have no row for it.</summary>
    Missing,
}

/// <summary>One baseline metric against the results: their mean over seeds and the verdict.</summary>
public sealed record CheckLine(BaselineRow Baseline, double Tolerance, double? Mean, int Seeds, CheckVerdict Verdict);

/// <summary>The outcome of `dupr bench check`: a line per baseline metric, and the result metrics no baseline row covers.</summary>
public sealed record CheckReport(IReadOnlyList<CheckLine> Lines, IReadOnlyList<string> Unchecked)
{
    /// <summary>True when no metric regressed and none is missing.</summary>
    public bool Passed => Lines.All(l => l.Verdict == CheckVerdict.Pass);

    /// <summary>A readable diff: failures first, then the metrics that passed, then a summary line.</summary>
    public string Text()
    {
        var inv = CultureInfo.InvariantCulture;
        int width = Lines.Count == 0 ? 10 : Lines.Max(l => l.Baseline.Key.Length);
        var sb = new StringBuilder();
        sb.Append(string.Create(inv, $"{"",-8} {"metric".PadRight(width)} {"baseline",9} {"tol",5} {"ours",8} {"seeds",5} {"diff",7}\n"));
        foreach (var l in Lines.OrderBy(l => l.Verdict == CheckVerdict.Pass))
        {
            string verdict = l.Verdict switch { CheckVerdict.Regression => "FAIL", CheckVerdict.Missing => "MISSING", _ => "ok" };
            string ours = l.Mean is double m ? m.ToString("0.00", inv) : "-";
            string diff = l.Mean is double mean ? SuiteReport.Signed(mean - l.Baseline.Value) : "";
            sb.Append(string.Create(inv, $"{verdict,-8} {l.Baseline.Key.PadRight(width)} {l.Baseline.Value,9:0.00} {l.Tolerance,5:0.0#} {ours,8} {l.Seeds,5} {diff,7}"));
            if (l.Verdict == CheckVerdict.Regression) sb.Append(string.Create(inv, $"  below {l.Baseline.Value - l.Tolerance:0.00}"));
            if (l.Verdict == CheckVerdict.Missing) sb.Append("  not in the results");
            sb.Append('\n');
        }
        int failed = Lines.Count(l => l.Verdict == CheckVerdict.Regression), missing = Lines.Count(l => l.Verdict == CheckVerdict.Missing);
        sb.Append($"{(Passed ? "PASSED" : "FAILED")}: {failed} regression(s), {missing} missing, {Lines.Count - failed - missing} within tolerance");
        if (Unchecked.Count > 0) sb.Append($"; {Unchecked.Count} result metric(s) have no baseline row: {string.Join(", ", Unchecked)}");
        return sb.Append('\n').ToString();
    }
}

/// <summary>The regression gate: compares a run's results.csv with a baseline CSV.</summary>
public static class BaselineCheck
{
    /// <summary>
    /// Each baseline row against the mean over seeds of the matching results; a row fails when that mean is below
    /// value - tolerance (the row's own, else <paramref name="defaultTolerance"/>) or when the results lack it.
    /// </summary>
    public static CheckReport Compare(IReadOnlyList<ResultRow> results, IReadOnlyList<BaselineRow> baseline, double defaultTolerance)
    {
        var means = MetricSummary.Of(results).ToDictionary(s => $"{s.Finetuning} / {s.Pretraining} / {s.Metric}");
        var lines = baseline.Select(b =>
        {
            double tolerance = b.Tolerance ?? defaultTolerance;
            if (!means.TryGetValue(b.Key, out var ours)) return new CheckLine(b, tolerance, null, 0, CheckVerdict.Missing);
            // A small epsilon keeps a value exactly at the edge (printed to 4 decimals) from failing on rounding.
            var verdict = ours.Mean < b.Value - tolerance - 1e-9 ? CheckVerdict.Regression : CheckVerdict.Pass;
            return new CheckLine(b, tolerance, ours.Mean, ours.Count, verdict);
        }).ToList();
        var covered = baseline.Select(b => b.Key).ToHashSet();
        return new CheckReport(lines, means.Keys.Where(k => !covered.Contains(k)).ToList());
    }
}
