using Dupr.Benchmarks.Performance;
using Dupr.Core.Config;
using Dupr.Pretrain.Config;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Tests.Performance;

public class PretrainBenchmarkTests
{
    [Fact]
    public void TimesBothMethodsAndTheirLosses()
    {
        var dupr = ConfigLoader.Load<PretrainConfig>(null,
            ["model.depth=18", "model.width=8", "views.size=32", "train.batch_size=4", "contrast.queue_size=64", "contrast.roi_size=8,4,2,1"]);
        var moco = PretrainBenchmark.MocoOf(dupr);
        var rows = PretrainBenchmark.Run(dupr, moco, repeats: 1, CPU);

        Assert.Equal(["MoCo v2", "DUPR"], rows.Select(r => r.Method));
        Assert.All(rows, r => Assert.True(r.StepSeconds > 0 && r.BackboneSeconds > 0 && r.LossSeconds > 0 && r.PeakBytes > 0));
        Assert.All(rows, r => Assert.InRange(r.OutsideBackboneShare, 0, 1));
        // MoCo v2 keeps only conv5_x's image term of the recipe.
        Assert.Equal([0.0, 0, 0, 1], moco.Contrast.Alpha);
        Assert.All(moco.Contrast.Beta, b => Assert.Equal(0, b));
    }
}
