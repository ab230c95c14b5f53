using Dupr.Benchmarks.Reports;
using Dupr.Core.Runtime;
using Dupr.Tests;

namespace Dupr.Benchmarks.Tests.Reports;

public class BaselineCheckTests
{
    static readonly IReadOnlyList<BaselineRow> Baseline =
    [
        new("voc_c4", "random", "voc.AP", 2.0, null, 2),
        new("voc_c4", "mocov2", "voc.AP", 5.0, 0.5, 3),
        new("voc_c4", "dupr", "voc.AP", 6.0, null, 4),
    ];

    // Two seeds per row whose mean is the baseline value (value - 0.2 and value + 0.2).
    static List<ResultRow> ResultsAtBaseline() =>
        Baseline.SelectMany(b => new[] { -0.2, 0.2 }.Select((d, seed) => new ResultRow("mini", b.Finetuning, b.Pretraining, seed, b.Metric, b.Value + d, 120, "h"))).ToList();

    [Fact]
    public void ResultsAtTheBaselinePass()
    {
        var report = BaselineCheck.Compare(ResultsAtBaseline(), Baseline, defaultTolerance: 1.0);
        Assert.True(report.Passed);
        Assert.All(report.Lines, l => Assert.Equal(2, l.Seeds));
        Assert.StartsWith("PASSED: 0 regression(s), 0 missing, 3 within tolerance", report.Text().Split('\n')[^2]);
    }

    [Fact]
    public void APlantedRegressionBeyondItsToleranceFailsAndIsNamed()
    {
        var results = ResultsAtBaseline();
        // mocov2's own tolerance is 0.5: a mean 0.6 below fails; dupr's default 1.0 lets 0.9 pass.
        results = results.Select(r => r.Pretraining == "mocov2" ? r with { Value = r.Value - 0.6 } : r.Pretraining == "dupr" ? r with { Value = r.Value - 0.9 } : r).ToList();
        var report = BaselineCheck.Compare(results, Baseline, defaultTolerance: 1.0);
        Assert.False(report.Passed);
        var failed = Assert.Single(report.Lines, l => l.Verdict == CheckVerdict.Regression);
        Assert.Equal("mocov2", failed.Baseline.Pretraining);
        string text = report.Text();
        Assert.Matches(@"FAIL +voc_c4 / mocov2 / voc\.AP +5\.00 +0\.5 +4\.40 +2 +-0\.6  below 4\.50", text);
        Assert.Contains("FAILED: 1 regression(s), 0 missing, 2 within tolerance", text);
    }

    [Fact]
    public void AStricterDefaultToleranceCatchesWhatTheDefaultLetsThrough()
    {
        var results = ResultsAtBaseline().Select(r => r.Pretraining == "dupr" ? r with { Value = r.Value - 0.9 } : r).ToList();
        Assert.True(BaselineCheck.Compare(results, Baseline, 1.0).Passed);
        Assert.False(BaselineCheck.Compare(results, Baseline, 0.5).Passed);
    }

    [Fact]
    public void MissingRowsFailAndResultsWithoutABaselineAreListed()
    {
        var results = ResultsAtBaseline().Where(r => r.Pretraining != "dupr").ToList();
        results.Add(new ResultRow("mini", "voc_c4", "random", 0, "bbox.AP", 1.0, 120, "h"));
        var report = BaselineCheck.Compare(results, Baseline, 1.0);
        Assert.False(report.Passed);
        Assert.Equal("dupr", Assert.Single(report.Lines, l => l.Verdict == CheckVerdict.Missing).Baseline.Pretraining);
        string text = report.Text();
        Assert.Contains("MISSING  voc_c4 / dupr / voc.AP", text);
        Assert.Contains("not in the results", text);
        Assert.Contains("1 result metric(s) have no baseline row: voc_c4 / random / bbox.AP", text);
    }

    [Fact]
    public void BaselineFilesAreReadWithOptionalTolerancesAndCheckedForDuplicates()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("b.csv"), "finetuning,pretraining,metric,value,tolerance\nvoc_c4,random,voc.AP,2.5,\nvoc_c4,dupr,voc.AP,6,0.25\n");
        var rows = BaselineRow.Read(temp.File("b.csv"));
        Assert.Equal([null, 0.25], rows.Select(r => r.Tolerance));
        Assert.Equal(3, rows[1].Line);

        File.AppendAllText(temp.File("b.csv"), "voc_c4,dupr,voc.AP,7,\n");
        Assert.Contains("b.csv:4: voc_c4 / dupr / voc.AP repeats line 3", Assert.Throws<DuprException>(() => BaselineRow.Read(temp.File("b.csv"))).Message);
        File.WriteAllText(temp.File("c.csv"), "finetuning,pretraining,value\nvoc_c4,random,2\n");
        Assert.Contains("missing column(s) metric", Assert.Throws<DuprException>(() => BaselineRow.Read(temp.File("c.csv"))).Message);
        File.WriteAllText(temp.File("d.csv"), "finetuning,pretraining,metric,value\nvoc_c4,random,voc.AP,high\n");
        Assert.Contains("d.csv:2: value 'high' is not a number", Assert.Throws<DuprException>(() => BaselineRow.Read(temp.File("d.csv"))).Message);
    }

    [Fact]
    public void ResultsRoundTripThroughTheirCsv()
    {
        using var temp = TestPaths.Temp();
        var rows = ResultsAtBaseline().Append(new ResultRow("mini", "probe", "dupr", 0, "knn.res5", 55.6, 0, "abc", 2.6)).ToList();
        ResultsCsv.Write(temp.File("results.csv"), rows);
        Assert.Equal(rows, ResultsCsv.Read(temp.File("results.csv")));
        Assert.StartsWith("suite,finetuning,pretraining,seed,metric,value,iterations,stage,se\n", File.ReadAllText(temp.File("results.csv")));
        // A results.csv written before the standard errors (the gate's fixtures) reads with none.
        File.WriteAllText(temp.File("old.csv"), "suite,finetuning,pretraining,seed,metric,value,iterations,stage\nmini,probe,dupr,0,knn.res5,55.6,0,abc\n");
        Assert.Null(Assert.Single(ResultsCsv.Read(temp.File("old.csv"))).StandardError);
    }
}

public class MiniBaselineTests
{
    [Fact]
    public void TheMiniBaselineCoversTheMiniSuiteCanFailEveryRowAndCatchesAPlantedRegression()
    {
        var suite = Dupr.Benchmarks.Suites.Suite.Load(Path.Combine(TestPaths.RepoRoot, "eval", "suites", "mini.json")).Spec;
        var baseline = BaselineRow.Read(Path.Combine(TestPaths.RepoRoot, "eval", "baselines", "mini.csv"));
        // Every cell's headline metrics have a row; no row lies outside the suite's grid.
        var grid = (from f in suite.Finetunings from p in suite.Pretrainings from m in f.Metrics select $"{f.Name} / {p.Name} / {m}").ToHashSet();
        Assert.All(baseline.Where(b => b.Finetuning != "probe"), b => Assert.Contains(b.Key, grid));
        foreach (var p in suite.Pretrainings)
        {
            foreach (var f in suite.Finetunings)
                Assert.Contains(baseline, b => b.Key == $"{f.Name} / {p.Name} / bbox.AP50");
            Assert.Contains(baseline, b => b.Key == $"probe / {p.Name} / knn.res5");
        }
        // A row whose tolerance reaches its value could never fail: the gate has none.
        Assert.All(baseline, b => Assert.True(b.Tolerance >= 0.5 && b.Tolerance < b.Value, b.Key));

        // Results at the baseline pass; the same with one metric a tenth of a point beyond its tolerance fail.
        var atBaseline = suite.Seeds.SelectMany(seed => baseline.Select(b => new ResultRow("mini", b.Finetuning, b.Pretraining, seed, b.Metric, b.Value, 120, "h"))).ToList();
        Assert.True(BaselineCheck.Compare(atBaseline, baseline, 1.0).Passed);
        var victim = baseline.First(b => b.Pretraining == "dupr" && b.Metric == "bbox.AP50");
        var planted = atBaseline.Select(r => r.Pretraining == victim.Pretraining && r.Metric == victim.Metric ? r with { Value = r.Value - victim.Tolerance!.Value - 0.1 } : r).ToList();
        var report = BaselineCheck.Compare(planted, baseline, 1.0);
        Assert.False(report.Passed);
        Assert.Equal(victim, Assert.Single(report.Lines, l => l.Verdict == CheckVerdict.Regression).Baseline);
    }
}
