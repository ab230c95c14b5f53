using Dupr.Benchmarks.Paper;
using Dupr.Benchmarks.Runner;
using Dupr.Benchmarks.Suites;
using Dupr.Tests;

namespace Dupr.Benchmarks.Tests.Suites;

public class SuiteValidationTests
{
    static readonly string SuitesDir = Path.Combine(TestPaths.RepoRoot, "eval", "suites");
    static readonly Lazy<PaperTable> Paper = new(() => PaperTable.Load(PaperTable.DirectoryIn(TestPaths.RepoRoot)));

    public static TheoryData<string> SuiteFiles() => new(Directory.GetFiles(SuitesDir, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(SuiteFiles))]
    public void EverySuiteValidatesAgainstItsConfigsAndThePaperRows(string file)
    {
        var suite = Suite.Load(Path.Combine(SuitesDir, file));
        var check = SuiteValidator.Check(suite, Paper.Value);
        Assert.Empty(check.Problems);
        Assert.Empty(check.MissingConfigs);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), suite.Name);

        // The dry run's plan is complete (inputs such as --data may be missing here).
        using var temp = TestPaths.Temp();
        var plan = SuitePlan.Build(suite, temp.Path, data: null);
        Assert.Empty(plan.Problems);
        Assert.NotEmpty(plan.Stages);
    }

    [Fact]
    public void EveryPaperBlockHasASuiteExceptTheTasksTheProductDoesNotHave()
    {
        var covered = Directory.GetFiles(SuitesDir, "*.json")
            .SelectMany(f => SuitePaper.Matches(Suite.Load(f).Spec, Paper.Value))
            .Where(m => m.Row != null).Select(m => m.Row!).ToHashSet();
        var uncovered = Paper.Value.Rows.Where(r => !covered.Contains(r))
            .Select(r => $"{r.Table}/{r.Setting}").Distinct().Order().ToList();
        // Other methods' rows (InstDis, PIRL, ...) need their checkpoints only; these settings need tasks the product lacks.
        string[] outOfScope = ["table4/COCO keypoint Mask R-CNN R50-FPN", "table4/Cityscapes FCN R50 semantic seg", "table5/ImageNet linear probe", "table6/VOC07 SVM classification"];
        Assert.All(outOfScope, s => Assert.Contains(s, uncovered));
        var byBlock = Paper.Value.Rows.GroupBy(r => $"{r.Table}/{r.Setting}");
        foreach (var block in byBlock.Where(b => !outOfScope.Contains(b.Key)))
            Assert.True(block.Any(covered.Contains), $"no suite covers any row of {block.Key}");
        // The main tables' rows for the methods the product pre-trains or loads are all covered.
        Assert.All(Paper.Value.Rows.Where(r => r.Table is "table1" or "table2" or "table3" && r.Method is "random init" or "supervised" or "MoCo v2" or "DUPR"
                                              && !(r.Method == "MoCo v2" && r.Epochs == 800)),
            r => Assert.True(covered.Contains(r), $"{r} has no suite"));
    }

    [Fact]
    public void MiniIsTheDemoSuiteOnTheSyntheticWorld()
    {
        var suite = Suite.Load(Path.Combine(SuitesDir, "mini.json"));
        Assert.NotNull(suite.Spec.Data.Synthetic);
        Assert.True(suite.Spec.Seeds.Count >= 3);
        Assert.Equal(["random", "mocov2", "dupr"], suite.Spec.Pretrainings.Select(p => p.Name));
        Assert.Contains("voc.AP", suite.Spec.Finetunings.Single().Metrics);
        Assert.Contains("bbox.AP", suite.Spec.Finetunings.Single().Metrics);
    }
}
