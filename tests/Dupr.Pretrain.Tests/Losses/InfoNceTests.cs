using Dupr.Pretrain.Losses;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Tests.Losses;

public class InfoNceTests
{
    // Two 2-d unit queries, their keys, and two negatives: the loss by hand.
    static double HandLoss(double positive, double[] negatives, double tau)
    {
        double denominator = Math.Exp(positive / tau) + negatives.Sum(n => Math.Exp(n / tau));
        return -Math.Log(Math.Exp(positive / tau) / denominator);
    }

    [Fact]
    public void ImageLossMatchesTheFormula()
    {
        var q = tensor(new float[] { 1, 0, 0, 1 }).reshape(2, 2);
        var k = tensor(new float[] { 0.6f, 0.8f, 0, 1 }).reshape(2, 2);
        var negatives = tensor(new float[] { -1, 0, 0.8f, 0.6f }).reshape(2, 2);
        double tau = 0.2;
        double expected = (HandLoss(0.6, [-1, 0.8], tau) + HandLoss(1.0, [0, 0.6], tau)) / 2;
        Assert.Equal(expected, InfoNce.ImageLoss(InfoNce.Logits(q, k, negatives, tau)).item<float>(), 4);
    }

    [Fact]
    public void PatchLossSumsOverPositionsAndAveragesOverImages()
    {
        // One image, two positions: the same pairs as above.
        var q = tensor(new float[] { 1, 0, 0, 1 }).reshape(1, 2, 2);
        var k = tensor(new float[] { 0.6f, 0.8f, 0, 1 }).reshape(1, 2, 2);
        var negatives = tensor(new float[] { -1, 0, 0.8f, 0.6f }).reshape(2, 2);
        double sum = HandLoss(0.6, [-1, 0.8], 0.2) + HandLoss(1.0, [0, 0.6], 0.2);
        Assert.Equal(sum, InfoNce.PatchLoss(InfoNce.Logits(q, k, negatives, 0.2)).item<float>(), 4);
        Assert.Equal(sum / 2, InfoNce.PatchLoss(InfoNce.Logits(q, k, negatives, 0.2), sumOverPositions: false).item<float>(), 4);
    }

    [Fact]
    public void PatchLossIsSmallestWhenPositionsMatch()
    {
        // Identical views: keys equal queries position by position. Shuffling the key positions must raise the loss.
        manual_seed(3);
        var q = nn.functional.normalize(randn(4, 9, 16), dim: 2);
        var negatives = nn.functional.normalize(randn(64, 16), dim: 1);
        double matched = InfoNce.PatchLoss(InfoNce.Logits(q, q, negatives, 0.2)).item<float>();
        var shuffled = q.index_select(1, tensor(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 0 }));
        double mismatched = InfoNce.PatchLoss(InfoNce.Logits(q, shuffled, negatives, 0.2)).item<float>();
        Assert.True(matched < mismatched, $"{matched} !< {mismatched}");
    }

    [Fact]
    public void Top1CountsQueriesWhosePositiveOutscoresEveryNegative()
    {
        // Column 0 is the positive: rows 1 and 3 of four rank it first.
        var logits = tensor(new float[] { 3, 1, 2, 0, 5, 1, 2, 1, 0, 1, 2, 0 }).reshape(4, 3);
        Assert.Equal(0.5, InfoNce.Top1(logits), 6);
        Assert.Equal(0.5, InfoNce.Top1(logits.reshape(2, 2, 3)), 6); // patch logits [N, P, 1 + K] count every position
    }
}
