using Dupr.Core.Modeling;
using Dupr.Detection.Config;
using Dupr.Detection.Data;
using Dupr.Detection.Modeling.RoiHeads;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

public class RoiHeadsTests
{
    static readonly Dictionary<string, FeatureSpec> Pyramid = new()
    {
        ["p2"] = new(8, 4), ["p3"] = new(8, 8), ["p4"] = new(8, 16), ["p5"] = new(8, 32), ["p6"] = new(8, 64),
    };

    [Fact]
    public void BoxesArePooledFromTheirFpnLevel()
    {
        using var scope = NewDisposeScope();
        var config = SyntheticScenes.MiniFpnConfig(3);
        using var heads = new StandardRoiHeads(config, Pyramid, masks: false);
        // Each level's map is constant at its level number, so the pooled value tells where a box went: level
        // floor(4 + log2(sqrt(area) / 224)) clamped to P2..P5 (detectron2's canonical 224 px box on P4).
        const int size = 1024;
        var maps = new[] { 2, 3, 4, 5 }.Select(l => full(1, 8, size / (1 << l), size / (1 << l), S((float)l))).ToList();
        float[] sides = [20, 56, 111, 112, 224, 447, 448, 900];
        int[] expected = [2, 2, 2, 3, 4, 4, 5, 5];
        var boxes = tensor(sides.SelectMany(s => new[] { 10f, 10f, 10 + s, 10 + s }).ToArray()).view(-1, 4);
        var pooled = heads.BoxPooler.call(maps, [boxes]);
        Assert.Equal([(long)sides.Length, 8, 7, 7], pooled.shape);
        Assert.Equal(["p2", "p3", "p4", "p5"], heads.InFeatures);
        for (int i = 0; i < sides.Length; i++)
            Assert.Equal(expected[i], pooled[i, 0, 3, 3].item<float>(), 4);
    }

    [Fact]
    public void MaskHeadMakesTwiceThePooledSizePerClass()
    {
        using var scope = NewDisposeScope();
        using var head = new MaskRcnnConvUpsampleHead(new MaskHeadSection { NumConv = 4, ConvDim = 16 }, 8, 5);
        Assert.Equal([7L, 5, 28, 28], head.call(randn(7, 8, 14, 14)).shape);
        var keys = head.state_dict().Keys.ToList();
        Assert.Equal(["mask_fcn1.weight", "mask_fcn1.bias", "mask_fcn2.weight", "mask_fcn2.bias", "mask_fcn3.weight", "mask_fcn3.bias",
                      "mask_fcn4.weight", "mask_fcn4.bias", "deconv.weight", "deconv.bias", "predictor.weight", "predictor.bias"], keys);
        Assert.Equal([16L, 16, 2, 2], head.state_dict()["deconv.weight"].shape);

        // C4 (no conv): res5 features 7x7 -> 14x14; class-agnostic: one channel.
        using var c4 = new MaskRcnnConvUpsampleHead(new MaskHeadSection { NumConv = 0, ConvDim = 16, ClassAgnostic = true }, 32, 5);
        Assert.Equal([3L, 1, 14, 14], c4.call(randn(3, 32, 7, 7)).shape);
        Assert.Equal([0L, 1, 14, 14], c4.call(zeros(0, 32, 7, 7)).shape);
    }

    [Fact]
    public void BoxHeadFlattensThenTwoFullyConnectedLayers()
    {
        using var scope = NewDisposeScope();
        using var head = new FastRcnnConvFcHead(new BoxHeadSection { FcDim = 32 }, 8, 7);
        Assert.Equal(32, head.OutputSize);
        var output = head.call(randn(5, 8, 7, 7));
        Assert.Equal([5L, 32], output.shape);
        Assert.True(output.min().item<float>() >= 0);   // ReLU after the last layer, as detectron2
        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], head.state_dict().Keys.ToList());
        Assert.Equal([32L, 8 * 7 * 7], head.state_dict()["fc1.weight"].shape);
        using var convs = new FastRcnnConvFcHead(new BoxHeadSection { NumConv = 2, ConvDim = 32, NumFc = 1, FcDim = 16, Norm = NormKind.GN }, 8, 7);
        Assert.Contains("conv2.norm.weight", convs.state_dict().Keys);
        Assert.Equal([2L, 16], convs.call(randn(2, 8, 7, 7)).shape);
    }

    [Fact]
    public void MaskLossReadsTheGroundTruthClassChannel()
    {
        using var scope = NewDisposeScope();
        // Two foreground proposals equal to their boxes: class 1's target is all ones, class 0's all zeros, so large logits
        // of the right sign on those channels (and nonsense elsewhere) give a loss near 0.
        var target = new DetectionSample
        {
            Image = zeros(3, 16, 16), Boxes = tensor(new float[] { 0, 0, 8, 8, 8, 8, 16, 16 }).view(2, 4), Classes = tensor(new long[] { 1, 0 }),
            Polygons = [new InstancePolygons([new double[] { 0, 0, 8, 0, 8, 8, 0, 8 }]), new InstancePolygons([new double[] { 8, 8, 9, 8, 9, 9 }])],
        };
        var foreground = new SampledProposals(target.Boxes, target.Classes, target.Boxes, tensor(new long[] { 0, 1 }));
        var logits = full(2, 3, 4, 4, S(-20f));
        logits[0, 0] = tensor(20f);   // the wrong class of proposal 0: ignored
        logits[0, 1] = tensor(20f);
        var loss = MaskRcnnOutputs.Loss(logits, [foreground], [target]);
        Assert.True(loss.item<float>() < 1e-3, $"loss {loss.item<float>()}");
        logits[0, 1] = tensor(-20f);
        Assert.True(MaskRcnnOutputs.Loss(logits, [foreground], [target]).item<float>() > 5);
        var probabilities = MaskRcnnOutputs.Probabilities(logits, tensor(new long[] { 0, 2 }));
        Assert.Equal([2L, 1, 4, 4], probabilities.shape);
        Assert.Equal(1, probabilities[0].min().item<float>(), 4);
    }
}
