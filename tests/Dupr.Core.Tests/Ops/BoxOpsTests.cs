using Dupr.Core.Ops;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Ops;

public class BoxOpsTests
{
    [Fact]
    public void PairwiseIouMatchesTorchvisionIncludingAnEmptyBox()
    {
        using var scope = NewDisposeScope();
        var fixture = OpsFixtures.Load("box_iou_000.json");
        var a = OpsFixtures.Tensor(fixture["boxes1"]!, ScalarType.Float32, -1, 4);
        var b = OpsFixtures.Tensor(fixture["boxes2"]!, ScalarType.Float32, -1, 4);
        var expected = OpsFixtures.Tensor(fixture["iou"]!, ScalarType.Float64, a.size(0), b.size(0));
        var iou = BoxOps.PairwiseIou(a, b).to_type(ScalarType.Float64);
        Assert.True((iou - expected).abs().max().item<double>() <= 1e-6);
        Assert.Equal(0.0, iou[0].abs().sum().item<double>());   // box 0 is empty
    }

    [Fact]
    public void PairwiseIouOfTwoEmptyBoxesIsZeroNotNaN()
    {
        using var scope = NewDisposeScope();
        var empty = tensor(new float[] { 5, 5, 5, 5 }).view(1, 4);
        Assert.Equal(0f, BoxOps.PairwiseIou(empty, empty).item<float>());
    }

    [Fact]
    public void AreaAndClip()
    {
        using var scope = NewDisposeScope();
        var boxes = tensor(new float[] { -5, 2, 30, 8, 1, 1, 3, 1.5f, 10, -4, 12, 60 }).view(3, 4);
        Assert.Equal(new float[] { 210, 1, 128 }, BoxOps.Area(boxes).data<float>().ToArray());
        Assert.Equal(new float[] { 0, 2, 20, 8, 1, 1, 3, 1.5f, 10, 0, 12, 40 }, BoxOps.Clip(boxes, 40, 20).data<float>().ToArray());
    }

    [Fact]
    public void InvalidBoxesAreRejected()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("[N, 4]", Assert.Throws<ArgumentException>(() => BoxOps.Area(zeros(4))).Message);
        Assert.Contains("floating point", Assert.Throws<ArgumentException>(() => BoxOps.PairwiseIou(zeros(2, 4, ScalarType.Int32), zeros(2, 4))).Message);
        Assert.Contains("must not be negative", Assert.Throws<ArgumentException>(() => BoxOps.Clip(zeros(2, 4), -1, 5)).Message);
    }
}
