using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Tests;

namespace Dupr.Core.Tests.Training;

public class TrainingTests
{
    [Fact]
    public void CosineDecaysToZeroWithoutWarmup()
    {
        var solver = new SolverConfig { Policy = LrPolicy.Cosine, MaxIter = 100, WarmupIters = 0, BaseLr = 0.06, ReferenceBatchSize = 256 };
        double baseLr = LrSchedule.ScaledBaseLr(solver, 128);
        Assert.Equal(0.03, baseLr, 12);
        Assert.Equal(0.03, LrSchedule.At(solver, baseLr, 0), 12);
        Assert.Equal(0.015, LrSchedule.At(solver, baseLr, 50), 12);
        Assert.Equal(0.0, LrSchedule.At(solver, baseLr, 100), 12);
    }

    [Fact]
    public void MultiStepWithWarmupFollowsDetectron2()
    {
        var solver = new SolverConfig { Policy = LrPolicy.MultiStep, Steps = [18000, 22000], WarmupIters = 100, WarmupFactor = 0.001 };
        Assert.Equal(0.02 * 0.001, LrSchedule.At(solver, 0.02, 0), 12);
        Assert.Equal(0.02 * (0.001 * 0.5 + 0.5), LrSchedule.At(solver, 0.02, 50), 12);
        Assert.Equal(0.02, LrSchedule.At(solver, 0.02, 17999), 12);
        Assert.Equal(0.002, LrSchedule.At(solver, 0.02, 18000), 12); // bisect_right: the step iteration is already decayed
        Assert.Equal(0.0002, LrSchedule.At(solver, 0.02, 23999), 12);
    }

    [Fact]
    public void MetricsCsvAppendsAndTruncatesOnResume()
    {
        using var temp = TestPaths.Temp();
        string path = temp.File("metrics.csv");
        var log = new MetricsCsv(path);
        for (int it = 10; it <= 50; it += 10) log.Append(it, [("loss", it / 10.0), ("lr", 0.1)]);
        Assert.Equal("iteration,loss,lr", File.ReadLines(path).First());

        var resumed = new MetricsCsv(path, resumeIteration: 30);
        resumed.Append(40, [("loss", 9.0), ("lr", 0.1)]);
        var rows = MetricsCsv.Read(path);
        Assert.Equal([10.0, 20.0, 30.0, 40.0], rows.Select(r => r["iteration"]));
        Assert.Equal(9.0, rows[^1]["loss"]);
    }

    // An attempt that stopped before its first checkpoint leaves rows (the probe before the first step); the run that starts
    // over in the same directory must not keep them.
    [Fact]
    public void MetricsCsvStartsAnewForARunThatStartsAtZero()
    {
        using var temp = TestPaths.Temp();
        string path = temp.File("metrics.csv");
        new MetricsCsv(path).Append(0, [("probe_knn", 40.0)]);
        var again = new MetricsCsv(path, resumeIteration: 0);
        again.Append(0, [("probe_knn", 41.0)]);
        again.Append(10, [("loss", 5.0)]);
        Assert.Equal([41.0], MetricsCsv.Read(path).Select(r => r.GetValueOrDefault("probe_knn")).Where(v => v > 0));
        Assert.Equal([0.0, 10.0], MetricsCsv.Read(path).Select(r => r["iteration"]));
    }

    [Fact]
    public void MetricsCsvAddsAColumnThatAppearsLater()
    {
        using var temp = TestPaths.Temp();
        string path = temp.File("metrics.csv");
        var log = new MetricsCsv(path);
        log.Append(0, [("probe_knn", 40.0)]);
        log.Append(10, [("loss", 5.0), ("lr", 0.1)]);
        log.Append(20, [("loss", 4.0), ("lr", 0.1), ("probe_knn", 45.0)]);
        Assert.Equal("iteration,probe_knn,loss,lr", File.ReadLines(path).First());
        var rows = MetricsCsv.Read(path);
        Assert.Equal(40.0, rows[0]["probe_knn"]);
        Assert.False(rows[0].ContainsKey("loss"));
        Assert.False(rows[1].ContainsKey("probe_knn"));
        Assert.Equal(5.0, rows[1]["loss"]);
        Assert.Equal((4.0, 45.0), (rows[2]["loss"], rows[2]["probe_knn"]));

        var resumed = new MetricsCsv(path, resumeIteration: 10);       // a resumed run keeps the header it had
        resumed.Append(20, [("loss", 3.0), ("lr", 0.1), ("extra", 1.0)]);
        Assert.Equal("iteration,probe_knn,loss,lr,extra", File.ReadLines(path).First());
        Assert.Equal(3, MetricsCsv.Read(path).Count);
    }

    [Fact]
    public void LossGuardNamesTheTermAndTheCheckpoint()
    {
        LossGuard.EnsureFinite([("image", 1.0), ("patch", 2.0)], 5, null);
        var error = Assert.Throws<DuprException>(() => LossGuard.EnsureFinite([("image", 1.0), ("patch", double.NaN)], 7, "runs/x/checkpoint.pt"));
        Assert.Equal("loss 'patch' became NaN at iteration 7; training stopped (the last good checkpoint is runs/x/checkpoint.pt; lower the learning rate and --resume)", error.Message);
    }
}
