using System.Globalization;
using Dupr.Benchmarks.Suites;

namespace Dupr.Benchmarks.Reports;

/// <summary>One claim on one metric: the difference it rests on and whether it holds.</summary>
/// <param name="Difference">null when a side has no results.</param>
public sealed record ClaimVerdict(string Better, string Than, string On, string Metric, double MinGain, double MinStandardErrors, Difference? Difference)
{
    /// <summary>True when the difference reaches the minimum gain and exceeds the required number of standard errors.</summary>
    public bool Holds => Difference is { } d && d.Mean >= MinGain && d.Significance > MinStandardErrors;

    /// <summary>One line, e.g. "MoCo v2 > random init, voc_c4 voc.AP50: holds, +12.3 ± 1.1 (95% CI +9.2..+15.4; 3 vs 3 seeds; needs >= +5.0 and > 3 SE)".</summary>
    public string Line(Func<string, string> label)
    {
        var inv = CultureInfo.InvariantCulture;
        string head = $"{label(Better)} > {label(Than)}, {On} {Metric}";
        string needs = string.Create(inv, $"needs >= {SuiteReport.Signed(MinGain, SuiteReport.Decimals(Metric))} and > {MinStandardErrors:0.#} SE");
        if (Difference is not { } d) return $"{head}: NO RESULTS ({needs})";
        return $"{head}: {(Holds ? "holds" : "DOES NOT HOLD")}, {Describe(d, SuiteReport.Decimals(Metric))}; {needs})";
    }

    /// <summary>"+12.3 ± 1.1 (95% CI +9.2..+15.4; 3 vs 3 seeds" (the caller closes the bracket).</summary>
    public static string Describe(Difference d, int decimals = 1)
    {
        string Signed(double v) => SuiteReport.Signed(v, decimals);
        if (double.IsNaN(d.StandardError)) return $"{Signed(d.Mean)} (no spread: one value each";
        string basis = d.FromTestSamples ? "one value each, SE of the probes' test samples" : $"{d.CountA} vs {d.CountB} seeds";
        return $"{Signed(d.Mean)} ± {SuiteReport.Number(d.StandardError, decimals)} (95% CI {Signed(d.Low)}..{Signed(d.High)}; {basis}";
    }
}

/// <summary>The verdicts of a suite's claims and the intervals of its comparisons, from the results rows.</summary>
public static class ClaimVerdicts
{
    /// <summary>A verdict per (claim, metric), in the suite's order.</summary>
    public static IReadOnlyList<ClaimVerdict> Evaluate(SuiteSpec suite, IReadOnlyList<ResultRow> rows) =>
        suite.Claims.SelectMany(c => c.MinGain.Select(g => new ClaimVerdict(c.Better, c.Than, c.On, g.Key, g.Value, c.MinStandardErrors,
            Between(rows, c.On, g.Key, c.Better, c.Than)))).ToList();

    /// <summary>Lines "DUPR - MoCo v2, voc_c4 voc.AP50: +0.4 ± 1.0 (95% CI -2.4..+3.2; 3 vs 3 seeds)" for every metric both sides have.</summary>
    public static IEnumerable<string> Comparisons(SuiteSpec suite, IReadOnlyList<ResultRow> rows, Func<string, string> label)
    {
        foreach (var c in suite.Comparisons)
            foreach (var (on, metric) in rows.Where(r => r.Pretraining == c.A).Select(r => (r.Finetuning, r.Metric)).Distinct())
                if (Between(rows, on, metric, c.A, c.B) is { } d)
                    yield return $"{label(c.A)} - {label(c.B)}, {on} {metric}: {ClaimVerdict.Describe(d, SuiteReport.Decimals(metric))})";
    }

    /// <summary>
    /// A minus B on one fine-tuning (or "probe") and metric; null when either has no value. One value each that carry their own
    /// standard errors (probes) give <see cref="Difference.OfMeasurements"/>; otherwise the spread over seeds.
    /// </summary>
    public static Difference? Between(IReadOnlyList<ResultRow> rows, string on, string metric, string a, string b)
    {
        List<ResultRow> Rows(string p) => rows.Where(r => r.Finetuning == on && r.Metric == metric && r.Pretraining == p).ToList();
        var ra = Rows(a);
        var rb = Rows(b);
        if (ra.Count == 0 || rb.Count == 0) return null;
        if (ra is [{ StandardError: double seA } one] && rb is [{ StandardError: double seB } other])
            return Difference.OfMeasurements(one.Value, seA, other.Value, seB);
        return Difference.Of(ra.Select(r => r.Value).ToList(), rb.Select(r => r.Value).ToList());
    }
}
