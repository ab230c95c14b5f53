using Dupr.Core.Checkpoints;
using Dupr.Core.Imaging;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Pretrain.Config;
using Dupr.Pretrain.Training;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Tests.Training;

// The trainer seeds torch's global generator: keep other tests from drawing from it meanwhile.
[Collection(NonParallel.Name)]
public class PretrainTrainerTests : IClassFixture<PretrainTrainerTests.World>
{
    /// <summary>Sixteen small images with random blocks of colour, shared by the tests of this class.</summary>
    public sealed class World : IDisposable
    {
        public TempDirectory Temp { get; } = TestPaths.Temp();
        public string Unlabeled => Temp.Path;

        public World()
        {
            var generator = new TorchSharp.torch.Generator(5);
            for (int i = 0; i < 16; i++)
            {
                using var blocks = randint(0, 256, [3, 8, 10], dtype: ScalarType.Int32, generator: generator).to_type(ScalarType.Byte);
                using var image = nn.functional.interpolate(blocks.unsqueeze(0).to_type(ScalarType.Float32), [64, 80], mode: InterpolationMode.Nearest)
                    .squeeze(0).to_type(ScalarType.Byte);
                ImageEncoder.Save(image, Path.Combine(Temp.Path, $"{i:D2}.png"));
            }
        }

        public void Dispose() => Temp.Dispose();
    }

    readonly World _world;
    public PretrainTrainerTests(World world) => _world = world;

    static PretrainConfig Tiny(long maxIter) => new()
    {
        Model = new BackboneSection { Depth = 18, Width = 8 },
        Contrast = new ContrastSection { RoiSize = [4, 4, 4, 2], QueueSize = 32, Dim = 16, PatchKeysPerBatch = 4, ShuffleBnGroups = 2, FillQueuesAtStart = true },
        Views = new Dupr.Pretrain.Data.ViewAugmentationOptions { Size = 64, RandAugmentOps = 1 },
        Train = new TrainSection { BatchSize = 4, Accumulation = 2, Workers = 1, LogPeriod = 1 },
        Solver = new SolverConfig { BaseLr = 0.06, ReferenceBatchSize = 256, Policy = LrPolicy.Cosine, Steps = [], WarmupIters = 0, MaxIter = maxIter, CheckpointPeriod = 2 },
    };

    PretrainRunOptions Options(string output, bool resume = false) => new() { Data = _world.Unlabeled, Output = output, Resume = resume, Seed = 3 };

    [Fact]
    public void StoppedAndResumedRunRepeatsTheUninterruptedCurve()
    {
        using var temp = TestPaths.Temp();
        var whole = new PretrainTrainer(Tiny(6), Options(temp.File("whole")), CPU).Run();
        Assert.False(whole.Interrupted);

        using var stop = new CancellationTokenSource();
        var first = new PretrainTrainer(Tiny(6), Options(temp.File("split")), CPU);
        first.StepCompleted += step => { if (step == 3) stop.Cancel(); };
        Assert.True(first.Run(stop.Token).Interrupted);
        var resumed = new PretrainTrainer(Tiny(6), Options(temp.File("split"), resume: true), CPU).Run();
        Assert.Equal(6, resumed.Iterations);

        var expected = MetricsCsv.Read(Path.Combine(whole.RunDirectory, "metrics.csv"));
        var actual = MetricsCsv.Read(Path.Combine(resumed.RunDirectory, "metrics.csv"));
        Assert.Equal(6, actual.Count);
        foreach (var (e, a) in expected.Zip(actual))
            foreach (string column in new[] { "loss", "image_res5", "patch_res4", "patch_res5", "acc1_patch_res4", "lr" })
                Assert.True(Math.Abs(e[column] - a[column]) <= 1e-4 * Math.Max(1, Math.Abs(e[column])), $"iteration {e["iteration"]} {column}: {e[column]} vs {a[column]}");
    }

    // On a GPU every host read stalls the step. Between log periods a step reads only what the CPU RoIAlign kernel reads of
    // its boxes (4 per micro-batch, DuprModelTests); the loop reads the logged values of the period's steps at once.
    [Fact]
    public void AStepReadsOnlyItsBoxesAndEachLogPeriodReadsTheLoggedValuesOnce()
    {
        using var temp = TestPaths.Temp();
        var config = Tiny(8);
        config.Train.LogPeriod = 4;
        config.Solver = config.Solver with { CheckpointPeriod = 100 };
        var trainer = new PretrainTrainer(config, Options(temp.Path), CPU);
        var counts = new List<long>();
        trainer.StepCompleted += _ => counts.Add(HostReads.OnThisThread);
        trainer.Run();

        // Reads of steps 2..8; steps 4 and 8 end a log period.
        var reads = counts.Zip(counts.Skip(1), (before, after) => after - before).ToList();
        int boxes = 4 * config.Train.Accumulation;
        for (int i = 0; i < reads.Count; i++)
        {
            int step = i + 2;
            int allowed = step % 4 == 0 ? boxes + 1 : boxes;
            Assert.True(reads[i] <= allowed, $"step {step}: {reads[i]} host reads, at most {allowed} allowed");
        }
        Assert.Equal([4.0, 8.0], MetricsCsv.Read(Path.Combine(temp.Path, "metrics.csv")).Select(r => r["iteration"]));
    }

    [Fact]
    public void ExportsABackboneWithTorchvisionKeys()
    {
        using var temp = TestPaths.Temp();
        var result = new PretrainTrainer(Tiny(2), Options(temp.Path), CPU).Run();
        using var exported = StateDictFile.Read(Path.Combine(result.RunDirectory, PretrainTrainer.BackbonePth));
        Assert.Contains("conv1.weight", exported.Keys);
        Assert.Contains("layer4.1.bn2.running_var", exported.Keys);
        Assert.DoesNotContain(exported.Keys, k => k.StartsWith("encoder") || k.StartsWith("fc"));
        Assert.True(File.Exists(Path.Combine(result.RunDirectory, "config.json")));
    }

    [Fact]
    public void NonFiniteLossStopsWithTheTermAndKeepsTheLastGoodCheckpoint()
    {
        using var temp = TestPaths.Temp();
        var exploding = Tiny(20);
        exploding.Solver.BaseLr = 1e30;
        exploding.Solver.CheckpointPeriod = 1;
        var error = Assert.Throws<DuprException>(() => new PretrainTrainer(exploding, Options(temp.Path), CPU).Run());
        Assert.Matches(@"^loss '\w+' became (NaN|-?Infinity|∞|-∞) at iteration \d+; training stopped \(the last good checkpoint is .*iter_\d{7}", error.Message);
        var resumable = new RunCheckpoints<PretrainState>(temp.Path, new RunOrigin(3, _world.Unlabeled)).Latest;
        Assert.NotNull(resumable);
        Assert.True(File.Exists(Path.Combine(resumable, "model.dat")));
    }

    [Fact]
    public void ExistingRunIsNotOverwrittenWithoutResume()
    {
        using var temp = TestPaths.Temp();
        new PretrainTrainer(Tiny(2), Options(temp.Path), CPU).Run();
        var error = Assert.Throws<DuprException>(() => new PretrainTrainer(Tiny(2), Options(temp.Path), CPU).Run());
        Assert.Contains("--resume", error.Message);
        var changed = Tiny(2);
        changed.Contrast.Temperature = 0.3;
        Assert.Contains("config differs", Assert.Throws<DuprException>(() => new PretrainTrainer(changed, Options(temp.Path, resume: true), CPU).Run()).Message);
    }

    // Counts its calls and reports the backbone's training mode at each, so the test sees when and how it was probed.
    sealed class CountingMonitor : IBackboneMonitor
    {
        public List<bool> TrainingModes { get; } = [];

        public IReadOnlyList<(string Name, double Value)> Measure(Dupr.Core.Modeling.ResNet backbone)
        {
            TrainingModes.Add(backbone.training);
            return [("knn_res5", 10.0 * TrainingModes.Count)];
        }
    }

    [Fact]
    public void TheMonitorProbesBeforeTheFirstStepAndEveryProbePeriodInEvalMode()
    {
        using var temp = TestPaths.Temp();
        var config = Tiny(6);
        config.Train.LogPeriod = 1;
        config.Train.ProbePeriod = 3;
        var monitor = new CountingMonitor();
        new PretrainTrainer(config, Options(temp.Path) with { Monitor = monitor }, CPU).Run();
        Assert.Equal([false, false, false], monitor.TrainingModes);
        var rows = MetricsCsv.Read(Path.Combine(temp.Path, "metrics.csv"));
        var probed = rows.Where(r => r.ContainsKey("probe_knn_res5")).Select(r => (r["iteration"], r["probe_knn_res5"])).ToList();
        Assert.Equal([(0.0, 10.0), (3.0, 20.0), (6.0, 30.0)], probed);
        Assert.All(rows.Where(r => r["iteration"] > 0), r => Assert.True(r.ContainsKey("loss")));

        var misaligned = Tiny(2);
        misaligned.Train.LogPeriod = 2;
        misaligned.Train.ProbePeriod = 3;
        Assert.Contains("multiple of train.log_period", Assert.Throws<DuprException>(() =>
            new PretrainTrainer(misaligned, Options(temp.File("b")) with { Monitor = monitor }, CPU).Run()).Message);
        var withoutMonitor = Tiny(2);
        withoutMonitor.Train.ProbePeriod = 1;
        Assert.Contains("--probe-config", Assert.Throws<DuprException>(() => new PretrainTrainer(withoutMonitor, Options(temp.File("c")), CPU).Run()).Message);
    }
}
