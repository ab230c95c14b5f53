using Dupr.Detection.Config;
using Dupr.Detection.Modeling;
using Dupr.Detection.Modeling.Rpn;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

public class RegionProposalNetworkTests
{
    static RegionProposalNetwork Create(RpnSection? config = null) =>
        new(config ?? new RpnSection(), new AnchorGenerator([[16, 32, 64]], [[0.5, 1.0, 2.0]], [16]), 8);

    [Fact]
    public void InitialLossesAreLn2PerSampledAnchorAndSmallBoxLoss()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var rpn = Create();
        rpn.train();
        var features = randn(2, 8, 8, 10);
        var gt = new[] { tensor(new float[,] { { 10, 10, 60, 50 }, { 80, 20, 150, 120 } }), zeros(0, 4) };
        var output = rpn.Forward([features], [(128, 160), (100, 120)], gt);
        // 8 * 10 * 9 = 720 anchors per image, so both images fill their 256 samples; logits start near 0: BCE ~ ln 2.
        Assert.Equal(Math.Log(2), output.Losses["loss_rpn_cls"].item<float>(), 2);
        Assert.InRange(output.Losses["loss_rpn_loc"].item<float>(), 0, 0.5);
        output.Losses.Values.Aggregate((a, b) => a.add(b, One)).backward();
        Assert.All(rpn.parameters(), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void ProposalsAreClippedNonEmptySortedAndCapped()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var rpn = Create(new RpnSection { PreNmsTopkTest = 300, PostNmsTopkTest = 50 });
        rpn.eval();
        var output = rpn.Forward([randn(2, 8, 8, 10)], [(128, 160), (90, 70)], null);
        Assert.Empty(output.Losses);
        Assert.Equal(2, output.Proposals.Count);
        foreach (var (boxes, scores, (h, w)) in output.Proposals.Zip(output.Scores, new[] { (128, 160), (90, 70) }))
        {
            Assert.InRange(boxes.size(0), 1, 50);
            Assert.True(boxes.min().item<float>() >= 0);
            Assert.True(boxes[.., 2].max().item<float>() <= w && boxes[.., 3].max().item<float>() <= h);
            Assert.True((boxes[.., 2] > boxes[.., 0]).all().item<bool>() && (boxes[.., 3] > boxes[.., 1]).all().item<bool>());
            var s = scores.data<float>().ToArray();
            Assert.Equal(s.OrderByDescending(v => v), s);
            Assert.False(boxes.requires_grad);
        }
    }

    [Fact]
    public void AnAnchorEqualToTheGroundTruthIsPositiveAndFarOnesNegative()
    {
        using var scope = NewDisposeScope();
        var rpn = Create(new RpnSection { BatchSizePerImage = 1000 });
        var anchors = tensor(new float[,] { { 0, 0, 32, 32 }, { 100, 100, 132, 132 }, { 4, 0, 36, 32 }, { 16, 0, 48, 32 } });
        var (labels, matched) = rpn.LabelAnchors(anchors, tensor(new float[,] { { 0, 0, 32, 32 } }));
        // IoUs 1, 0, 28/36 = 0.78 (>= 0.7: positive), 16/48 = 0.33 (ignored band [0.3, 0.7)).
        Assert.Equal([1L, 0, 1, -1], labels.data<long>().ToArray());
        Assert.Equal(new float[] { 0, 0, 32, 32 }, matched[1].data<float>().ToArray());
    }
}
