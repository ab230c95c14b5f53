using Dupr.Benchmarks.Performance;
using Dupr.Core.Config;
using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Modeling.MetaArch;
using Dupr.Pretrain.Config;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Tests.Performance;

// Exact equality needs the same thread count for both steps: no test runs beside these.
[Collection(NonParallel.Name)]
public class DeviceAgreementTests
{
    static DetectionConfig TinyDetector(params string[] set)
    {
        var config = ConfigLoader.Load<DetectionConfig>(null, set);
        config.Backbone = new ResNetSection { Depth = 18, Width = 8, Norm = NormKind.BN, FreezeAt = 0 };
        config.Anchors = new AnchorSection { Sizes = [[16, 32, 64]] };
        config.Rpn.PreNmsTopkTrain = 300;
        config.Rpn.PostNmsTopkTrain = 100;
        config.RoiHeads.NumClasses = 6;
        config.RoiHeads.PoolerResolution = 8;
        config.Input = new DetectionTransformOptions { MinSizeTrain = [64], MaxSizeTrain = 107, MinSizeTest = 64, MaxSizeTest = 107 };
        config.Train = new DetectionTrainSection { BatchSize = 2 };
        return config;
    }

    [Fact]
    public void TheCpuAgreesWithItselfExactly()
    {
        var pretrain = ConfigLoader.Load<PretrainConfig>(null,
            ["model.depth=18", "model.width=8", "views.size=32", "train.batch_size=4", "contrast.queue_size=64", "contrast.roi_size=8,4,2,1"]);
        var rows = DeviceAgreement.Pretrain("dupr", pretrain, CPU, seed: 3).Concat(DeviceAgreement.Detector("c4", TinyDetector([.. DeviceAgreement.KeepEveryCandidate]), CPU, seed: 3)).ToList();

        Assert.Contains(rows, r => r.Model == "dupr" && r.Term == "patch_res4");
        Assert.Equal(["loss_box_reg", "loss_cls", "loss_rpn_cls", "loss_rpn_loc", "loss", "grad_norm"], rows.Where(r => r.Model == "c4").Select(r => r.Term));
        Assert.All(rows, r => Assert.True(r.Cpu == r.Device && double.IsFinite(r.Cpu) && r.Cpu != 0, $"{r.Model} {r.Term}: {r.Cpu} vs {r.Device}"));
        Assert.True(DeviceAgreementReport.Agrees(rows, tolerance: 0));
    }

    // What makes a CPU-vs-GPU comparison possible: with every candidate kept, the RPN and ROI samplers' random draws (from
    // each device's own generator) only reorder the sampled set, so the losses do not depend on the generator's state.
    [Fact]
    public void KeepingEveryCandidateTakesTheSamplersRandomDrawsOutOfTheLosses()
    {
        double Spread(DetectionConfig config)
        {
            using var scope = NewDisposeScope();
            Seeding.SeedAll(5);
            using var model = DetectorFactory.Create(config);
            model.train();
            using var batch = DetectionBenchmark.Batches(config, DetectionAugmentation.ForTraining(config.Input), 2, count: 1, seed: 5, CPU)[0];
            double Total(long generatorSeed)
            {
                manual_seed(generatorSeed);
                return Detector.Total(model.Losses(batch)).item<float>();
            }
            double a = Total(1), b = Total(2);
            return Math.Abs(a - b) / Math.Abs(a);
        }

        // Batches of 16 sample from the tiny images' ~50 anchors and ~100 proposals; keeping every candidate overrides them.
        string[] sampling = ["rpn.batch_size_per_image=16", "roi_heads.batch_size_per_image=16"];
        Assert.True(Spread(TinyDetector([.. sampling, .. DeviceAgreement.KeepEveryCandidate])) < 1e-5);
        Assert.True(Spread(TinyDetector(sampling)) > 1e-4, "control: when the samplers choose, their draws change the loss");
    }

    [Fact]
    public void AValueBeyondTheToleranceIsADisagreement()
    {
        DeviceAgreementRow[] rows = [new("m", "loss", 2.0, 2.01), new("m", "grad_norm", 1.0, 1.03)];
        Assert.Equal(0.005, rows[0].RelativeDifference, 9);
        Assert.True(DeviceAgreementReport.Agrees(rows, 0.05));
        Assert.False(DeviceAgreementReport.Agrees(rows, 0.01));
        string table = DeviceAgreementReport.Table(rows, "cuda:0", 0.01);
        Assert.Contains("beyond tolerance", table.Split('\n').Single(l => l.Contains("grad_norm")));
        Assert.EndsWith("DISAGREE: 1 of 2 values beyond tolerance\n", table);
    }
}
