using Dupr.Core.Checkpoints;
using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Detection.Config;
using Dupr.Detection.Modeling.MetaArch;
using Dupr.Detection.Training;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Training;

/// <summary>train.accumulation: k micro-batches per optimiser step take the step a batch of all their images takes.</summary>
// The trainer seeds torch's global generator: keep other tests from drawing from it meanwhile.
[Collection(NonParallel.Name)]
public sealed class GradientAccumulationTests
{
    // A recipe whose loss is the mean of independent per-image losses, so that splitting a batch changes nothing: FrozenBN (no
    // statistics shared by a batch's images), 64 px images that are never resized (no padding that depends on the batch's
    // other images), and samplers that take every candidate (which ones a draw picks, and in what order, no longer matters):
    // with one object per image and no NMS, every image has 50 proposals + 1 ground truth, so the ROI losses' means over all
    // sampled proposals are means over the images.
    static DetectionConfig Config(int batchSize, int accumulation)
    {
        var config = TinyWorld.Config(DatasetFormat.Voc, maxIter: 2);
        config.Datasets.Test = [];
        config.Backbone.Norm = NormKind.FrozenBN;
        config.RoiHeads.Res5ExtraNorm = NormKind.None;
        config.Input.MinSizeTrain = [64];
        config.Rpn = new RpnSection { PreNmsTopkTrain = 1000, PostNmsTopkTrain = 50, NmsThresh = 1.0, BatchSizePerImage = 1000 };
        config.RoiHeads.BatchSizePerImage = 1000;
        config.Solver.WarmupIters = 0;
        config.Train.BatchSize = batchSize;
        config.Train.Accumulation = accumulation;
        return config;
    }

    static Dictionary<string, Tensor> FinalWeights(DetectionConfig config, string runDirectory)
    {
        var model = DetectorFactory.Create(config);
        ModuleCheckpoint.Load(model, Path.Combine(runDirectory, DetectionTrainer.FinalWeights));
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
    }

    [Fact]
    public void TwoMicroBatchesOfTwoStepAsOneBatchOfFour()
    {
        using var world = TinyWorld.WithObjectsPerImage(1);
        using var temp = TestPaths.Temp();
        using var scope = NewDisposeScope();
        var whole = Config(batchSize: 4, accumulation: 1);
        var split = Config(batchSize: 4, accumulation: 2);
        DetectionRunOptions Options(string name) => new() { Data = world.Root, Output = temp.File(name), Seed = 3 };
        var a = new DetectionTrainer(whole, Options("whole"), CPU).Run();
        var b = new DetectionTrainer(split, Options("split"), CPU).Run();
        Assert.Equal((2L, 2L), (a.Iterations, b.Iterations));

        // The same initial weights (the trainer seeds them with the run's seed), the same two steps of the same 8 images.
        Seeding.SeedAll(3);
        var initial = DetectorFactory.Create(whole).state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        var afterWhole = FinalWeights(whole, a.RunDirectory);
        var afterSplit = FinalWeights(split, b.RunDirectory);
        double largestUpdate = 0;
        foreach (var (key, start) in initial)
        {
            if (!start.is_floating_point()) continue;
            double update = afterWhole[key].sub(start).abs().max().item<float>();
            double difference = afterSplit[key].sub(afterWhole[key]).abs().max().item<float>();
            largestUpdate = Math.Max(largestUpdate, update);
            Assert.True(difference <= 1e-5 + 1e-3 * update, $"{key}: moved {update:G3} in one run, {difference:G3} apart from the other");
        }
        Assert.True(largestUpdate > 1e-3, $"the steps hardly moved the weights ({largestUpdate:G3}): nothing was compared");

        // The logged losses are the micro-batches' means: the batch's.
        var lossesWhole = MetricsCsv.Read(Path.Combine(a.RunDirectory, "metrics.csv"));
        var lossesSplit = MetricsCsv.Read(Path.Combine(b.RunDirectory, "metrics.csv"));
        foreach (var (x, y) in lossesWhole.Zip(lossesSplit))
            foreach (string column in new[] { "loss", "loss_rpn_cls", "loss_cls", "lr" })
                Assert.True(Math.Abs(x[column] - y[column]) <= 1e-5 * Math.Max(1, Math.Abs(x[column])), $"{column}: {x[column]} vs {y[column]}");
    }
}
