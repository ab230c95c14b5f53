using Dupr.Benchmarks.Paper;
using Dupr.Benchmarks.Runner;
using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Reports;

/// <summary>Where a suite run's outputs went.</summary>
public sealed record SuiteOutputs(string ResultsCsv, string Report, IReadOnlyList<string> Plots, IReadOnlyList<ResultRow> Rows, string Markdown);

/// <summary>Writes a run's results.csv, plots and report.md from its finished stages.</summary>
public static class SuiteReportWriter
{
    /// <summary>File names in the output directory.</summary>
    public const string ResultsName = "results.csv", ReportName = "report.md";

    /// <summary>Collects the results of <paramref name="plan"/>'s finished evaluations and writes every output.</summary>
    public static SuiteOutputs Write(SuitePlan plan, PaperTable paper)
    {
        var rows = SuiteResults.Collect(plan);
        string results = Path.Combine(plan.Output, ResultsName), report = Path.Combine(plan.Output, ReportName);
        ResultsCsv.Write(results, rows);
        var plots = ReportPlots.Write(plan, rows.Where(r => r.Finetuning != Suites.SuiteProbeSpec.ResultsName).ToList());
        plots = [.. plots, .. ProbePlots(plan)];
        var notes = new List<string> { $"Results: `{ResultsName}` (one row per evaluation and metric); stage folders: `{Path.GetRelativePath(plan.Output, plan.StagesRoot)}/`." };
        notes.AddRange(StageCosts(plan));
        notes.AddRange(plots.Select(p => $"Plot: ![{Path.GetFileNameWithoutExtension(p)}]({p.Replace('\\', '/')})"));
        string markdown = SuiteReport.Markdown(plan.Suite.Spec, rows, paper, notes);
        AtomicFile.WriteAllText(report, markdown);
        return new SuiteOutputs(results, report, plots, rows, markdown);
    }

    // The probe curves of every probed backbone in one figure each (the first seed of random init stands for it).
    static IEnumerable<string> ProbePlots(SuitePlan plan)
    {
        var probed = plan.Probes.Where(p => StageStore.IsDone(p.Stage)).GroupBy(p => p.Pretraining.Name).Select(g => g.First()).ToList();
        if (probed.Count == 0) return [];
        var results = probed.Select(p => (p.Pretraining.DisplayName, Probes.ProbeReport.Read(p.Stage.Csv))).ToList();
        string folder = Path.Combine(plan.Output, ReportPlots.Folder, "probes");
        Probes.ProbeReport.Write(folder, results);
        return new[] { Probes.ProbeReport.LevelsPlot, Probes.ProbeReport.IouPlot }.Select(p => Path.Combine(ReportPlots.Folder, "probes", p))
            .Where(p => File.Exists(Path.Combine(plan.Output, p)));
    }

    // Measured cost of each kind of stage, from the done markers: the time of the run that finished each stage (a stage reused
    // from an earlier run counts that run's time; a resumed stage only the part after its resume).
    static IEnumerable<string> StageCosts(SuitePlan plan) =>
        plan.Stages.GroupBy(s => s.Name.Split('-')[0])
            .Select(g => (Kind: g.Key, Seconds: g.Select(StageStore.Seconds).OfType<double>().ToList()))
            .Where(g => g.Seconds.Count > 0)
            .Select(g => $"Stage time, {g.Kind}: {g.Seconds.Count} stage(s), {Progress.FormatDuration(TimeSpan.FromSeconds(g.Seconds.Sum()))} in all, " +
                         $"{Progress.FormatDuration(TimeSpan.FromSeconds(g.Seconds.Average()))} each on average (wall time of the attempt that finished each; a resumed stage counts from its resume).");
}
