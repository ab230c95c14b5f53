using System.Globalization;
using System.Text;
using Dupr.Benchmarks.Paper;
using Dupr.Benchmarks.Suites;

namespace Dupr.Benchmarks.Reports;

/// <summary>
/// report.md of a suite run: per fine-tuning, a table of every pre-training's metrics (mean ± std over seeds) beside the
/// paper's numbers, both with the paper's bracketed deltas: (..) against the suite's first reference, [..] against its second.
/// </summary>
public static class SuiteReport
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The whole report; <paramref name="notes"/> are extra lines under the heading (stage costs, file locations).</summary>
    public static string Markdown(SuiteSpec suite, IReadOnlyList<ResultRow> rows, PaperTable paper, IEnumerable<string> notes)
    {
        var sb = new StringBuilder();
        sb.Append($"# Benchmark suite `{suite.Name}`\n\n");
        if (suite.Description.Length > 0) sb.Append(suite.Description).Append("\n\n");
        var seeds = rows.Select(r => r.Seed).Distinct().Order().ToList();
        sb.Append($"- Ours: mean ± sample standard deviation over {seeds.Count} seed(s) ({string.Join(", ", seeds)}), in percent.\n");
        var refs = suite.References.Select(suite.Label).ToList();
        if (refs.Count > 0)
            sb.Append($"- Deltas, the paper's bracket style: {string.Join(", ", refs.Select((r, i) => $"{Open(i)}..{Close(i)} vs {r}"))}; "
                      + "a reference row shows only the deltas against the references listed before it.\n");
        sb.Append("- Paper: the rows of eval/paper the suite names; their deltas are computed the same way from the paper's values.\n");
        foreach (string note in notes) sb.Append($"- {note}\n");
        var summaries = MetricSummary.Of(rows);
        var matches = SuitePaper.Matches(suite, paper);
        foreach (var f in suite.Finetunings)
        {
            sb.Append($"\n## {f.DisplayName}\n\n");
            sb.Append(Table(suite, f, summaries, matches));
        }
        if (ProbeTable(suite, rows) is { } probes)
        {
            sb.Append("\n## Probes of the backbones\n\n");
            sb.Append("kNN and linear top-1 on the labeled set's object crops, patch correspondence (paper Fig. 7) and the slope of the ");
            sb.Append("IoU-similarity curve (Fig. 6), per level; random init once per seed, each pre-training once. Curves: `plots/probes/`.\n\n");
            sb.Append(probes);
        }
        var verdicts = ClaimVerdicts.Evaluate(suite, rows);
        if (verdicts.Count > 0)
        {
            sb.Append("\n## Claims\n\n");
            foreach (var v in verdicts) sb.Append($"- {v.Line(suite.Label)}\n");
        }
        var comparisons = ClaimVerdicts.Comparisons(suite, rows, suite.Label).ToList();
        if (comparisons.Count > 0)
        {
            sb.Append("\n## Differences (mean difference ± its standard error, Welch 95% interval)\n\n");
            sb.Append("Over seeds where a method has several; a probe of one pre-training each has the error of the probes' test samples ");
            sb.Append("instead (objects, view pairs or boxes; normal 95% interval), which leaves out how much another pre-training seed would move it.\n\n");
            foreach (string line in comparisons) sb.Append($"- {line}\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// The probes' table, or null without probe rows: a row per probe metric (they are many), a column per pre-training
    /// (mean ± std over seeds, with the deltas against the references).
    /// </summary>
    public static string? ProbeTable(SuiteSpec suite, IReadOnlyList<ResultRow> rows)
    {
        var probeRows = rows.Where(r => r.Finetuning == SuiteProbeSpec.ResultsName).ToList();
        if (probeRows.Count == 0) return null;
        var summaries = MetricSummary.Of(probeRows);
        var probe = new FinetuningSpec { Name = SuiteProbeSpec.ResultsName, Config = "-" };
        var sb = new StringBuilder();
        sb.Append("| probe | ").Append(string.Join(" | ", suite.Pretrainings.Select(p => p.DisplayName))).Append(" |\n");
        sb.Append("|---|").Append(string.Concat(suite.Pretrainings.Select(_ => "---|"))).Append('\n');
        foreach (string metric in probeRows.Select(r => r.Metric).Distinct())
            sb.Append($"| {metric} | ").Append(string.Join(" | ", suite.Pretrainings.Select(p => Ours(suite, probe, p, metric, summaries)))).Append(" |\n");
        return sb.ToString();
    }

    /// <summary>The Markdown table of one fine-tuning: a row per pre-training, our metrics each followed by the paper's matching columns.</summary>
    public static string Table(SuiteSpec suite, FinetuningSpec f, IReadOnlyList<MetricSummary> summaries, IReadOnlyList<PaperMatch> matches)
    {
        var columns = new List<(string Title, Func<PretrainingSpec, string> Cell)>
        {
            ("pre-training", p => p.DisplayName),
            ("seeds", p => summaries.Where(s => s.Finetuning == f.Name && s.Pretraining == p.Name).Select(s => s.Count).DefaultIfEmpty(0).Max().ToString(Inv)),
        };
        foreach (string metric in f.Metrics)
        {
            columns.Add((metric, p => Ours(suite, f, p, metric, summaries)));
            foreach (var block in f.Paper.Where(b => b.Metrics.ContainsKey(metric)))
                columns.Add(($"paper {block.Table}{(block.Part.Length > 0 ? $"({block.Part})" : "")} {block.Metrics[metric]}",
                    p => Theirs(suite, f, block, p, metric, matches)));
        }
        var sb = new StringBuilder();
        sb.Append("| ").Append(string.Join(" | ", columns.Select(c => c.Title))).Append(" |\n");
        sb.Append('|').Append(string.Concat(columns.Select(_ => "---|"))).Append('\n');
        foreach (var p in suite.Pretrainings)
            sb.Append("| ").Append(string.Join(" | ", columns.Select(c => c.Cell(p)))).Append(" |\n");
        var settings = f.Paper.Select(b => $"{b.Table}{(b.Part.Length > 0 ? $"({b.Part})" : "")}: {b.Setting}").Distinct().ToList();
        if (settings.Count > 0) sb.Append($"\nPaper settings: {string.Join("; ", settings)}.\n");
        return sb.ToString();
    }

    static string Ours(SuiteSpec suite, FinetuningSpec f, PretrainingSpec p, string metric, IReadOnlyList<MetricSummary> summaries)
    {
        MetricSummary? Find(string name) => summaries.FirstOrDefault(s => s.Finetuning == f.Name && s.Pretraining == name && s.Metric == metric);
        if (Find(p.Name) is not { } mine) return "–";
        int decimals = Decimals(metric);
        string cell = mine.Count > 1 ? $"{Number(mine.Mean, decimals)} ±{Number(mine.Std, decimals)}" : Number(mine.Mean, decimals);
        return cell + Deltas(suite, p, name => Find(name)?.Mean, mine.Mean, decimals);
    }

    static string Theirs(SuiteSpec suite, FinetuningSpec f, PaperRefSpec block, PretrainingSpec p, string metric, IReadOnlyList<PaperMatch> matches)
    {
        PaperRow? Find(string name) => matches.FirstOrDefault(m => m.Finetuning == f && m.Block == block && m.Pretraining.Name == name && m.Metric == metric)?.Row;
        if (Find(p.Name) is not { } row) return "–";
        if (row.Kind == PaperValueKind.Gap) return $"gap {Signed(row.Value)} vs {row.Reference}";
        return Number(row.Value) + Deltas(suite, p, name => Find(name) is { Kind: PaperValueKind.Value } r ? r.Value : null, row.Value);
    }

    // (..) against the first reference, [..] against the second; a reference row only against the references before it.
    static string Deltas(SuiteSpec suite, PretrainingSpec p, Func<string, double?> valueOf, double value, int decimals = 1)
    {
        int own = suite.References.IndexOf(p.Name);
        var parts = new List<string>();
        for (int i = 0; i < suite.References.Count && (own < 0 || i < own); i++)
            if (valueOf(suite.References[i]) is double reference)
                parts.Add($"{Open(i)}{Signed(value - reference, decimals)}{Close(i)}");
        return parts.Count == 0 ? "" : " " + string.Join(" ", parts);
    }

    static string Open(int i) => i == 0 ? "(" : i == 1 ? "[" : "{";
    static string Close(int i) => i == 0 ? ")" : i == 1 ? "]" : "}";

    /// <summary>Decimals a metric is printed with: one for percentages, as the paper prints; two for the IoU-similarity curve's slope and gap (cosines).</summary>
    public static int Decimals(string metric) => metric.StartsWith("iou-similarity.", StringComparison.Ordinal) ? 2 : 1;

    /// <summary>A value with <paramref name="decimals"/> decimals (default one, as the paper prints).</summary>
    public static string Number(double v, int decimals = 1) => v.ToString(Format(decimals), Inv);

    /// <summary>A signed delta: +1.2, -0.4, +0.0.</summary>
    public static string Signed(double v, int decimals = 1)
    {
        double rounded = Math.Round(v, decimals, MidpointRounding.AwayFromZero);
        return (rounded >= 0 ? "+" : "") + (rounded == 0 ? 0.0 : rounded).ToString(Format(decimals), Inv);
    }

    static string Format(int decimals) => "0." + new string('0', decimals);
}
