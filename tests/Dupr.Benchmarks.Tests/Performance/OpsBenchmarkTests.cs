using Dupr.Benchmarks.Performance;
using Dupr.Tests;

namespace Dupr.Benchmarks.Tests.Performance;

public class OpsBenchmarkTests
{
    [Fact]
    public void BoxesAreTheOnesTheTorchvisionScriptDraws()
    {
        // tools/reference/bench_ops_torchvision.py's SplitMix64(0): first two boxes and scores.
        var source = new BenchmarkBoxes(0);
        Assert.Equal(new[] { 952.0982f, 0f, 969.98615f, 702.1576f, 99.044075f, 98.207436f, 132.36633f, 425.5138f }, source.Boxes(2, 800, 1088));
        Assert.Equal(new[] { 224.68883f, 604.5649f, 309.93033f, 800f }, source.Boxes(1, 800, 1088));
        Assert.Equal(new[] { 0.5239506f, 0.5551675f }, source.Scores(2));
    }

    [Fact]
    public void RunsTheSelectedRowsAndWritesCsv()
    {
        var rows = OpsBenchmark.Run(new OpsBenchmarkOptions { Filter = "nms 1000", Repeats = 2, Warmup = 1 }).ToList();
        var row = Assert.Single(rows);
        Assert.Equal("nms 1000 boxes iou 0.7", row.Row);
        Assert.Equal(2, row.Runs);
        Assert.True(row.MinMs > 0 && row.MinMs <= row.MedianMs);
        Assert.Contains("nms 1000 boxes iou 0.7", OpsBenchmark.Table(rows));

        using var temp = TestPaths.Temp();
        string path = temp.File("sub/ops.csv");
        OpsBenchmark.WriteCsv(path, rows);
        var lines = File.ReadAllLines(path);
        Assert.Equal("row,runs,median_ms,min_ms", lines[0]);
        Assert.StartsWith("nms 1000 boxes iou 0.7,2,", lines[1]);
    }

    [Fact]
    public void AFilterThatMatchesNothingIsAnError()
    {
        var error = Assert.Throws<ArgumentException>(() => OpsBenchmark.Run(new OpsBenchmarkOptions { Filter = "no such row" }).ToList());
        Assert.Contains("roi_align forward 512x7x7", error.Message);
    }
}
