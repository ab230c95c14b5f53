using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Detection.Config;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Training;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Training;

/// <summary>A resumed fine-tuning run loses no evaluation and refuses to mix in another seed or data folder.</summary>
// The trainer seeds torch's global generator: keep other tests from drawing from it meanwhile.
[Collection(NonParallel.Name)]
public sealed class ResumeTests : IClassFixture<TinyWorld>
{
    readonly TinyWorld _world;

    public ResumeTests(TinyWorld world) => _world = world;

    DetectionRunOptions Options(string output, bool resume = false, long seed = 3, string? data = null) =>
        new() { Data = data ?? _world.Root, Output = output, Resume = resume, Seed = seed };

    // The failing case: max_iter 12, steps [10], eval_period 9; a run killed once checkpoint 9 exists, before evaluation 9
    // ends, resumed without ever evaluating iteration 9.
    [Fact]
    public void AnEvaluationTheRunDidNotFinishIsRedoneOnResume()
    {
        using var temp = TestPaths.Temp();
        var config = TinyWorld.Config(DatasetFormat.Voc, maxIter: 12);
        config.Solver.Steps = [10];
        config.Solver.CheckpointPeriod = 9;
        config.Train.EvalPeriod = 9;
        using var stop = new CancellationTokenSource();
        var first = new DetectionTrainer(config, Options(temp.Path), CPU);
        first.StepCompleted += step => { if (step == 9) stop.Cancel(); };
        Assert.True(first.Run(stop.Token).Interrupted);

        // What a kill between checkpoint 9 and the end of evaluation 9 leaves: checkpoint 9, no evaluation 9.
        string csv = Path.Combine(temp.Path, TrainingEvaluation.CsvName);
        var evaluated = MetricsCsv.Read(csv).Single();
        Assert.Equal(9, evaluated["iteration"]);
        File.WriteAllLines(csv, File.ReadAllLines(csv).Take(1));
        Directory.Delete(Path.Combine(temp.Path, TrainingEvaluation.FolderOf(9)), recursive: true);

        var resumed = new DetectionTrainer(config, Options(temp.Path, resume: true), CPU).Run();
        Assert.Equal(12, resumed.Iterations);
        var rows = MetricsCsv.Read(csv);
        Assert.Equal([9.0, 12.0], rows.Select(r => r["iteration"]));
        Assert.Equal(evaluated, rows[0]); // the same checkpoint, evaluated again
        Assert.True(File.Exists(Path.Combine(temp.Path, TrainingEvaluation.FolderOf(9), DetectionMetrics.FileName)));
    }

    [Fact]
    public void ResumingAFinishedRunDoesNotRepeatItsFinalRow()
    {
        using var temp = TestPaths.Temp();
        var config = TinyWorld.Config(DatasetFormat.Voc, maxIter: 2);
        new DetectionTrainer(config, Options(temp.Path), CPU).Run();
        new DetectionTrainer(config, Options(temp.Path, resume: true), CPU).Run();
        Assert.Equal([2.0], MetricsCsv.Read(Path.Combine(temp.Path, TrainingEvaluation.CsvName)).Select(r => r["iteration"]));
    }

    [Fact]
    public void AResumeWithAnotherSeedOrDataFolderIsRefused()
    {
        using var temp = TestPaths.Temp();
        var config = TinyWorld.Config(DatasetFormat.Voc, maxIter: 4);
        config.Datasets.Test = []; // no evaluation: this test is about the checkpoints' origin
        using var stop = new CancellationTokenSource();
        var first = new DetectionTrainer(config, Options(temp.File("run")), CPU);
        first.StepCompleted += step => { if (step == 2) stop.Cancel(); };
        first.Run(stop.Token);

        Assert.Contains("--resume: the run was started with --seed 3, not 4",
            Assert.Throws<DuprException>(() => new DetectionTrainer(config, Options(temp.File("run"), resume: true, seed: 4), CPU).Run()).Message);
        string copy = temp.File("copy");
        CopyTree(_world.Root, copy);
        Assert.Contains($"--resume: the run was started on --data {_world.Root}, not {copy}",
            Assert.Throws<DuprException>(() => new DetectionTrainer(config, Options(temp.File("run"), resume: true, data: copy), CPU).Run()).Message);
        Assert.Equal(4, new DetectionTrainer(config, Options(temp.File("run"), resume: true, data: _world.Root + "/"), CPU).Run().Iterations);
    }

    static void CopyTree(string from, string to)
    {
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(dir.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to));
    }
}
