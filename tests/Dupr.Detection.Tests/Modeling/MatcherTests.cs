using Dupr.Detection.Modeling;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

public class MatcherTests
{
    static Matcher Rpn(bool lowQuality = true) => new([0.3, 0.7], [0, -1, 1], lowQuality);

    [Fact]
    public void LabelsFollowTheIouBands()
    {
        using var scope = NewDisposeScope();
        // 2 ground truths x 6 predictions.
        var iou = tensor(new float[,]
        {
            { 0.10f, 0.30f, 0.69f, 0.70f, 0.05f, 0.20f },
            { 0.20f, 0.10f, 0.10f, 0.10f, 0.90f, 0.25f },
        });
        var (matches, labels) = Rpn(lowQuality: false).Match(iou);
        Assert.Equal([1L, 0, 0, 0, 1, 1], matches.data<long>().ToArray());
        // 0.2 < 0.3 -> 0; 0.3 and 0.69 -> ignore; 0.7 and 0.9 -> 1; 0.25 -> 0.
        Assert.Equal([0L, -1, -1, 1, 1, 0], labels.data<long>().ToArray());
    }

    [Fact]
    public void LowQualityMatchesMakeEveryTiedBestPredictionPositive()
    {
        using var scope = NewDisposeScope();
        var iou = tensor(new float[,]
        {
            { 0.40f, 0.40f, 0.10f, 0.00f },
            { 0.00f, 0.20f, 0.25f, 0.25f },
        });
        var (_, labels) = Rpn().Match(iou);
        // gt 0's best (0.4) is tied at predictions 0 and 1; gt 1's best (0.25) at 2 and 3 (prediction 2 matches gt 1 by max).
        Assert.Equal([1L, 1, 1, 1], labels.data<long>().ToArray());
        var (_, without) = Rpn(lowQuality: false).Match(iou);
        Assert.Equal([-1L, -1, 0, 0], without.data<long>().ToArray());
    }

    [Fact]
    public void RoiHeadsMatcherSplitsAtOneHalf()
    {
        using var scope = NewDisposeScope();
        var (matches, labels) = new Matcher([0.5], [0, 1], false).Match(tensor(new float[,] { { 0.49f, 0.5f, 0f } }));
        Assert.Equal([0L, 1, 0], labels.data<long>().ToArray());
        Assert.Equal([0L, 0, 0], matches.data<long>().ToArray());
    }

    [Fact]
    public void NoGroundTruthGivesTheFirstLabelEverywhere()
    {
        using var scope = NewDisposeScope();
        var (matches, labels) = Rpn().Match(zeros(0, 5));
        Assert.Equal(new long[5], matches.data<long>().ToArray());
        Assert.Equal(new long[5], labels.data<long>().ToArray());
    }

    [Fact]
    public void InvalidSettingsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new Matcher([0.7, 0.3], [0, -1, 1], false));
        Assert.Throws<ArgumentException>(() => new Matcher([0.5], [0, -1, 1], false));
        Assert.Throws<ArgumentException>(() => new Matcher([0.5], [0, 2], false));
    }
}
