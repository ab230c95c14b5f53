using Dupr.Core.Checkpoints;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Detection.Config;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Modeling.MetaArch;
using Dupr.Detection.Training;
using Dupr.Tests;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;
using Dupr.Detection.Evaluation.Coco;
using Dupr.Detection.Evaluation.Voc;

namespace Dupr.Detection.Tests.Training;

/// <summary>Fine-tuning runs end to end on a tiny world: resume, the run-directory rules, periodic evaluation, COCO data and results.</summary>
// The trainer seeds torch's global generator: keep other tests from drawing from it meanwhile.
[Collection(NonParallel.Name)]
public sealed class DetectionTrainerTests : IClassFixture<TinyWorld>
{
    static readonly string[] LossColumns = ["loss", "loss_rpn_cls", "loss_rpn_loc", "loss_cls", "loss_box_reg", "lr"];

    readonly TinyWorld _world;

    public DetectionTrainerTests(TinyWorld world) => _world = world;

    DetectionRunOptions Options(string output, bool resume = false) => new() { Data = _world.Root, Output = output, Resume = resume, Seed = 3 };

    [Fact]
    public void StoppedAndResumedRunRepeatsTheUninterruptedCurveAndEvaluations()
    {
        using var temp = TestPaths.Temp();
        var config = TinyWorld.Config(DatasetFormat.Voc, maxIter: 6);
        config.Train.EvalPeriod = 2;
        var whole = new DetectionTrainer(config, Options(temp.File("whole")), CPU).Run();
        Assert.False(whole.Interrupted);

        using var stop = new CancellationTokenSource();
        var first = new DetectionTrainer(config, Options(temp.File("split")), CPU);
        first.StepCompleted += step => { if (step == 3) stop.Cancel(); };
        var stopped = first.Run(stop.Token);
        Assert.True(stopped.Interrupted);
        Assert.Equal(3, stopped.Iterations);
        Assert.Null(stopped.FinalMetrics);
        var resumed = new DetectionTrainer(config, Options(temp.File("split"), resume: true), CPU).Run();
        Assert.Equal(6, resumed.Iterations);

        AssertSameRows(Path.Combine(whole.RunDirectory, "metrics.csv"), Path.Combine(resumed.RunDirectory, "metrics.csv"), LossColumns, rows: 6);
        AssertSameRows(Path.Combine(whole.RunDirectory, TrainingEvaluation.CsvName), Path.Combine(resumed.RunDirectory, TrainingEvaluation.CsvName),
            ["AP", "AP50", "AP75"], rows: 3);
    }

    // On a GPU every host read stalls the step. Between log periods a step reads only what the CPU kernels read of its boxes
    // (RoIAlign and NMS: 5 for Faster R-CNN C4, DetectorTheories); the loop reads the logged values of the period's steps at once.
    [Fact]
    public void AStepReadsOnlyItsBoxesAndEachLogPeriodReadsTheLoggedValuesOnce()
    {
        using var temp = TestPaths.Temp();
        var config = TinyWorld.Config(DatasetFormat.Voc, maxIter: 8);
        config.Train.LogPeriod = 4;
        config.Solver = config.Solver with { CheckpointPeriod = 100 };
        var trainer = new DetectionTrainer(config, Options(temp.Path), CPU);
        var counts = new List<long>();
        trainer.StepCompleted += _ => counts.Add(HostReads.OnThisThread);
        trainer.Run();

        // Reads of steps 2..8; steps 4 and 8 end a log period.
        var reads = counts.Zip(counts.Skip(1), (before, after) => after - before).ToList();
        for (int i = 0; i < reads.Count; i++)
        {
            int step = i + 2, allowed = step % 4 == 0 ? 6 : 5;
            Assert.True(reads[i] <= allowed, $"step {step}: {reads[i]} host reads, at most {allowed} allowed");
        }
        Assert.Equal([4.0, 8.0], MetricsCsv.Read(Path.Combine(temp.Path, "metrics.csv")).Select(r => r["iteration"]));
    }

    [Fact]
    public void PreciseBnRecomputesTheStatisticsBeforeEachEvaluationAndAResumedRunRecomputesThemToo()
    {
        using var temp = TestPaths.Temp();
        using var scope = NewDisposeScope();
        var config = TinyWorld.Config(DatasetFormat.Voc, maxIter: 4);
        config.Train.EvalPeriod = 2;
        config.Test.PreciseBn = new PreciseBnSection { Enabled = true, NumIter = 3 };
        var whole = new DetectionTrainer(config, Options(temp.File("whole")), CPU).Run();

        // A crash right after evaluation 2, whose checkpoint was written before that evaluation's precise BN.
        var first = new DetectionTrainer(config, Options(temp.File("split")), CPU);
        first.StepCompleted += step => { if (step == 2) throw new InvalidOperationException("crash"); };
        Assert.Throws<InvalidOperationException>(() => first.Run());
        var resumed = new DetectionTrainer(config, Options(temp.File("split"), resume: true), CPU).Run();

        AssertSameRows(Path.Combine(whole.RunDirectory, TrainingEvaluation.CsvName), Path.Combine(resumed.RunDirectory, TrainingEvaluation.CsvName),
            ["AP", "AP50", "AP75"], rows: 2);
        // The last checkpoint (written before the final precise BN) holds evaluation 2's statistics, moved by steps 3 and 4:
        // the resumed run has them because it redid that precise BN; model_final.dat holds the final precise BN's.
        foreach (string file in new[] { Path.Combine("checkpoints", "iter_0000004", "model.dat"), DetectionTrainer.FinalWeights })
        {
            var expected = State(config, Path.Combine(whole.RunDirectory, file));
            var actual = State(config, Path.Combine(resumed.RunDirectory, file));
            foreach (var (key, value) in expected) Assert.True(actual[key].allclose(value, rtol: 1e-5, atol: 1e-6), $"{file}: {key}");
        }
        // Counted from the final precise BN's reset over its 3 batches (training counts one per step).
        var counts = State(config, Path.Combine(whole.RunDirectory, DetectionTrainer.FinalWeights))
            .Where(kv => kv.Key.EndsWith("num_batches_tracked")).Select(kv => kv.Value.item<long>()).ToList();
        Assert.NotEmpty(counts);
        Assert.All(counts, count => Assert.Equal(3L, count));
    }

    static Dictionary<string, Tensor> State(DetectionConfig config, string path)
    {
        var model = DetectorFactory.Create(config);
        ModuleCheckpoint.Load(model, path);
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
    }

    [Fact]
    public void ExistingRunIsNotOverwrittenWithoutResume()
    {
        using var temp = TestPaths.Temp();
        var config = TinyWorld.Config(DatasetFormat.Voc, maxIter: 2);
        config.Datasets.Test = []; // no evaluation: this test is about the run directory
        new DetectionTrainer(config, Options(temp.Path), CPU).Run();
        var error = Assert.Throws<DuprException>(() => new DetectionTrainer(config, Options(temp.Path), CPU).Run());
        Assert.Contains("--resume", error.Message);
        config.Solver.BaseLr = 0.01;
        Assert.Contains("config differs", Assert.Throws<DuprException>(() => new DetectionTrainer(config, Options(temp.Path, resume: true), CPU).Run()).Message);
    }

    [Fact]
    public void PeriodicEvaluationWritesItsFilesAndTheFinalOneMatchesDuprEvaluateVoc()
    {
        using var temp = TestPaths.Temp();
        var config = TinyWorld.Config(DatasetFormat.Voc, maxIter: 4);
        config.Train.EvalPeriod = 2;
        var result = new DetectionTrainer(config, Options(temp.Path), CPU).Run();

        var rows = MetricsCsv.Read(Path.Combine(result.RunDirectory, TrainingEvaluation.CsvName));
        Assert.Equal([2.0, 4.0], rows.Select(r => r["iteration"]));
        Assert.All(rows, r => Assert.Equal(["iteration", "AP", "AP50", "AP75"], r.Keys));
        foreach (long iteration in new[] { 2L, 4L })
        {
            var document = JObject.Parse(File.ReadAllText(Path.Combine(result.RunDirectory, TrainingEvaluation.FolderOf(iteration), DetectionMetrics.FileName)));
            Assert.Equal(iteration, (long)document["iteration"]!);
            Assert.Equal("voc", (string)document["task"]!);
            Assert.Equal(rows[(int)iteration / 2 - 1]["AP50"], (double)document["summary"]!["AP50"]!, 9);
        }

        // The final evaluation: metrics.json and results files in the run directory, scored as `dupr evaluate voc` scores them.
        var final = JObject.Parse(File.ReadAllText(Path.Combine(result.RunDirectory, DetectionMetrics.FileName)));
        Assert.Equal(4L, (long)final["iteration"]!);
        string resultsFolder = Path.Combine(result.RunDirectory, TrainingEvaluation.ResultsFolder);
        var devkit = VocDevkit.Open(Path.Combine(_world.Root, "VOCdevkit"), "2007");
        var fromFiles = VocEvaluator.Evaluate(devkit.ReadAnnotations("test"), VocResultsReader.Read(resultsFolder, TinyWorld.Classes), VocMetric.ElevenPoint, TinyWorld.Classes);
        Assert.Equal(fromFiles.AP, (double)final["summary"]!["AP"]!, 9);
        Assert.Equal(fromFiles.AP50, result.FinalMetrics!.Scores[0].AP50, 9);
    }

    [Fact]
    public void CocoRunTrainsInfersAndEvaluatesWithTheFilesIds()
    {
        using var temp = TestPaths.Temp();
        var config = TinyWorld.Config(DatasetFormat.Coco, maxIter: 4);
        config.RoiHeads.ScoreThreshTest = 0; // keep detections from an undertrained model, so the results carry ids to check
        var run = new DetectionTrainer(config, Options(temp.File("run")), CPU).Run();
        Assert.NotNull(run.FinalMetrics);

        var inferred = DetectionInference.Run(config, Path.Combine(run.RunDirectory, DetectionTrainer.FinalWeights), _world.Root, temp.File("infer"), CPU, evaluate: true);
        Assert.Equal(Path.Combine(temp.File("infer"), CocoTestSet.ResultsFileName), inferred.Results);
        CocoResults results = CocoResultsReader.Read(inferred.Results);
        Assert.True(results.Count > 0);
        Assert.All(results.CategoryIds, id => Assert.Contains(id, new[] { 2L, 5L }));
        Assert.All(results.ImageIds, id => Assert.InRange(id, 2000L, 2003L));
        Assert.All(results.Segmentations, Assert.Null);

        // `dupr evaluate coco` on the written file gives what --evaluate printed, and the run's final evaluation (same weights).
        CocoDataset groundTruth = CocoReader.Read(Path.Combine(_world.Root, "coco", "annotations", "instances_val.json"));
        CocoEvalResult evaluated = CocoEvaluator.Evaluate(groundTruth, results, CocoIouType.Bbox);
        Assert.Equal(100 * evaluated.Stats[1], inferred.Metrics!.Scores[0].AP50, 9);
        Assert.Equal(run.FinalMetrics!.Scores[0].AP, inferred.Metrics.Scores[0].AP, 9);
        Assert.True(File.Exists(Path.Combine(temp.File("infer"), DetectionMetrics.FileName)));
        Assert.True(File.Exists(Path.Combine(run.RunDirectory, TrainingEvaluation.ResultsFolder, CocoTestSet.ResultsFileName)));
    }

    static void AssertSameRows(string expectedPath, string actualPath, IEnumerable<string> columns, int rows)
    {
        var expected = MetricsCsv.Read(expectedPath);
        var actual = MetricsCsv.Read(actualPath);
        Assert.Equal(rows, expected.Count);
        Assert.Equal(rows, actual.Count);
        foreach (var (e, a) in expected.Zip(actual))
            foreach (string column in columns)
                Assert.True(Math.Abs(e[column] - a[column]) <= 1e-4 * Math.Max(1, Math.Abs(e[column])) || (double.IsNaN(e[column]) && double.IsNaN(a[column])),
                    $"{Path.GetFileName(expectedPath)} iteration {e["iteration"]} {column}: {e[column]} vs {a[column]}");
    }
}
