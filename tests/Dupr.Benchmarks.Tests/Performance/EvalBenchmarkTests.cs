using Dupr.Benchmarks.Performance;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Evaluation;
using Dupr.Tests;
using Dupr.Detection.Evaluation.Coco;

namespace Dupr.Benchmarks.Tests.Performance;

/// <summary>The evaluation benchmark's workload and timing on a small size.</summary>
public sealed class EvalBenchmarkTests
{
    [Fact]
    public void WorkloadHasTheIssuesShapeAndRepeats()
    {
        (CocoDataset gt, CocoResults dt) = SyntheticCocoEval.Generate(300, 100, masks: false);
        Assert.Equal(80, gt.CategoryCount);
        Assert.Equal(30_000, dt.Count);
        Assert.InRange(gt.Annotations.Count / 300.0, 6.5, 7.5);
        Assert.Contains(gt.Annotations, a => a.IsCrowd);
        Assert.True(dt.Scores.Distinct().Count() < dt.Count, "scores should tie");
        (CocoDataset gt2, CocoResults dt2) = SyntheticCocoEval.Generate(300, 100, masks: false);
        Assert.Equal(gt.Annotations, gt2.Annotations);
        Assert.Equal(dt.Scores, dt2.Scores);
    }

    [Theory]
    [InlineData(CocoIouType.Bbox)]
    [InlineData(CocoIouType.Segm)]
    public void RunTimesLoadAndEvaluation(CocoIouType type)
    {
        using var temp = TestPaths.Temp();
        var small = new EvalBenchmarkCase(type == CocoIouType.Bbox ? "bbox" : "segm", 20, 30, type);
        EvalBenchmark.WriteFiles(small, temp.Path);
        EvalBenchmarkResult r = EvalBenchmark.Run(small, temp.Path, repeats: 2, threads: null);
        Assert.Equal(600, r.DetectionCount);
        Assert.Equal(2, r.EvaluateSeconds.Count);
        Assert.True(r.PeakBytes > 0);
        Assert.InRange(r.Stats[0], 0.05, 1);
    }
}
