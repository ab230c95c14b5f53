using System.Text;
using Dupr.Benchmarks.Paper;
using Dupr.Benchmarks.Runner;
using Dupr.Benchmarks.Suites;

namespace Dupr.Benchmarks.Reports;

/// <summary>What `dupr bench run` prints at the end: each fine-tuning's table beside the paper, the probes, the claims' verdicts, the differences, and where the files are.</summary>
public static class SuiteRunSummary
{
    /// <summary>The summary of a finished run of <paramref name="suite"/>.</summary>
    public static string Text(Suite suite, SuitePlan plan, PaperTable paper, SuiteOutputs written, IReadOnlyList<StageOutcome> outcomes)
    {
        var spec = suite.Spec;
        var text = new StringBuilder();
        foreach (var f in spec.Finetunings)
        {
            text.AppendLine().AppendLine($"{f.DisplayName}:").AppendLine();
            text.Append(SuiteReport.Table(spec, f, MetricSummary.Of(written.Rows), SuitePaper.Matches(spec, paper)));
        }
        if (SuiteReport.ProbeTable(spec, written.Rows) is { } probes) text.Append($"\nProbes of the backbones:\n\n{probes}");
        var verdicts = ClaimVerdicts.Evaluate(spec, written.Rows);
        if (verdicts.Count > 0) text.AppendLine().AppendLine($"Claims:\n{string.Join("\n", verdicts.Select(v => "  " + v.Line(spec.Label)))}");
        var comparisons = ClaimVerdicts.Comparisons(spec, written.Rows, spec.Label).ToList();
        if (comparisons.Count > 0) text.AppendLine().AppendLine($"Differences (95% intervals):\n{string.Join("\n", comparisons.Select(c => "  " + c))}");
        int ran = outcomes.Count(o => o.Status != StageStatus.Cached);
        text.AppendLine().AppendLine($"suite {suite.Name}: {outcomes.Count} stages ({ran} run now, {outcomes.Count - ran} reused)");
        text.AppendLine($"  report: {written.Report}");
        text.AppendLine($"  results: {written.ResultsCsv}");
        text.AppendLine($"  plots: {Path.Combine(plan.Output, ReportPlots.Folder)} ({string.Join(", ", written.Plots.Select(Path.GetFileName))})");
        return text.ToString();
    }
}
