using Dupr.Benchmarks.Paper;
using Dupr.Benchmarks.Reports;
using Dupr.Benchmarks.Runner;
using Dupr.Tests;

namespace Dupr.Benchmarks.Tests.Runner;

public class SuiteOutputsTests
{
    [Fact]
    public void AFinishedRunWritesResultsReportAndPlotsFromItsEvaluations()
    {
        using var temp = TestPaths.Temp();
        var plan = SuitePlan.Build(SuiteFixtures.Tiny(), temp.File("out"), data: null);
        new SuiteRunner(new FakeStageExecutor(), _ => { }).Run(plan);
        var outputs = SuiteReportWriter.Write(plan, PaperTable.Load(PaperTable.DirectoryIn(TestPaths.RepoRoot)));

        var rows = ResultsCsv.Read(outputs.ResultsCsv);
        Assert.Equal(3 * 2 * 5, rows.Count); // 3 initialisations x 2 seeds x 5 metrics
        var dupr = rows.Single(r => r.Pretraining == "dupr" && r.Seed == 1 && r.Metric == "bbox.AP50");
        Assert.Equal(FakeStageExecutor.ValueOf(1, "bbox.AP50"), dupr.Value, 4);
        Assert.Equal(3, dupr.Iterations);

        string report = File.ReadAllText(outputs.Report);
        Assert.Contains("# Benchmark suite `tiny`", report);
        Assert.Contains("over 2 seed(s) (0, 1)", report);
        Assert.Contains("| DUPR | 2 | 11.1 ±0.7 (+0.0) [+0.0] | 59.0 (+25.2) [+2.0] |", report);
        Assert.Contains("Stage time, finetune: 6 stage(s)", report);
        Assert.Contains(Path.Combine(ReportPlots.Folder, "ap_vs_iterations.png"), outputs.Plots);
        Assert.Contains(Path.Combine(ReportPlots.Folder, "pretrain_probe.png"), outputs.Plots);
        Assert.All(outputs.Plots, p => Assert.True(new FileInfo(Path.Combine(plan.Output, p)).Length > 1000, p));
        Assert.Contains("![ap_vs_iterations](plots/ap_vs_iterations.png)", report);
    }
}
