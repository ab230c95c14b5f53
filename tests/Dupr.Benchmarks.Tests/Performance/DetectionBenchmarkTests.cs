using Dupr.Benchmarks.Performance;
using Dupr.Core.Modeling;
using Dupr.Core.Ops;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Detection.Data.Transforms;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Tests.Performance;

public class DetectionBenchmarkTests
{
    [Fact]
    public void TimesTrainingAndInferenceAndWhereTheStepsGo()
    {
        var config = new DetectionConfig
        {
            Backbone = new ResNetSection { Depth = 18, Width = 8, Norm = NormKind.BN, FreezeAt = 0 },
            Anchors = new AnchorSection { Sizes = [[16, 32, 64]] },
            Rpn = new RpnSection { PreNmsTopkTrain = 300, PostNmsTopkTrain = 100, PreNmsTopkTest = 300, PostNmsTopkTest = 50, BatchSizePerImage = 64 },
            RoiHeads = new RoiHeadsSection { NumClasses = 6, BatchSizePerImage = 32, PoolerResolution = 8 },
            Input = new DetectionTransformOptions { MinSizeTrain = [64], MaxSizeTrain = 107, MinSizeTest = 64, MaxSizeTest = 107 },
            Train = new DetectionTrainSection { BatchSize = 2 },
        };
        var rows = DetectionBenchmark.Run(config, new DetectionBenchmarkOptions { Iterations = 1, Warmup = 0, InferenceImages = 2 }, CPU);

        Assert.Equal(["train", "inference"], rows.Select(r => r.Phase));
        Assert.All(rows, r => Assert.True(r.Rate > 0 && r.MedianSeconds > 0 && r.PeakBytes > 0));
        Assert.All(rows, r => Assert.All(r.OpShares.Values, share => Assert.InRange(share, 0, 1)));
        // Training pools ROIs, suppresses proposals and labels anchors; inference does not label anything.
        Assert.All(DetectionBenchmark.Ops, op => Assert.True(rows[0].OpShares[op] > 0, op));
        Assert.Equal(0, rows[1].OpShares[OpTimer.AnchorMatching]);
        Assert.False(OpTimer.Enabled);
    }

    [Fact]
    public void BadOptionsAreNamed() =>
        Assert.Contains("--iterations", Assert.Throws<DuprException>(() => new DetectionBenchmarkOptions { Iterations = 0 }.Validate()).Message);
}
