using Dupr.Pretrain.Losses;
using static Dupr.Core.Runtime.Scalars;
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

    // The plain formula, through autograd: logits [..., 1 + K] and their log-softmax.
    static Tensor ReferenceLoss(Tensor queries, Tensor keys, Tensor negatives, double tau)
    {
        var logits = cat([(queries * keys).sum(-1, keepdim: true), queries.matmul(negatives.t())], -1).div(S(tau));
        return -logits.log_softmax(-1).select(-1, 0);
    }

    [Fact]
    public void ImageLossMatchesTheFormula()
    {
        var q = tensor(new float[] { 1, 0, 0, 1 }).reshape(2, 2);
        var k = tensor(new float[] { 0.6f, 0.8f, 0, 1 }).reshape(2, 2);
        var negatives = tensor(new float[] { -1, 0, 0.8f, 0.6f }).reshape(2, 2);
        double tau = 0.2;
        var (loss, _) = InfoNce.PerQuery(q, k, negatives, tau);
        Assert.Equal(HandLoss(0.6, [-1, 0.8], tau), loss[0].item<float>(), 4);
        Assert.Equal(HandLoss(1.0, [0, 0.6], tau), loss[1].item<float>(), 4);
    }

    [Fact]
    public void PatchLossSumsOverPositionsAndAveragesOverImages()
    {
        // One image, two positions: the same pairs as above.
        var q = tensor(new float[] { 1, 0, 0, 1 }).reshape(1, 2, 2);
        var k = tensor(new float[] { 0.6f, 0.8f, 0, 1 }).reshape(1, 2, 2);
        var negatives = tensor(new float[] { -1, 0, 0.8f, 0.6f }).reshape(2, 2);
        double sum = HandLoss(0.6, [-1, 0.8], 0.2) + HandLoss(1.0, [0, 0.6], 0.2);
        var (perPosition, _) = InfoNce.PerQuery(q, k, negatives, 0.2);
        Assert.Equal([1L, 2L], perPosition.shape);
        Assert.Equal(sum, InfoNce.PatchLoss(perPosition).item<float>(), 4);
        Assert.Equal(sum / 2, InfoNce.PatchLoss(perPosition, sumOverPositions: false).item<float>(), 4);
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.02)] // logits up to 50: the shifted exponentials must not overflow
    public void LossAndGradientsMatchThePlainFormula(double tau)
    {
        manual_seed(5);
        var q = nn.functional.normalize(randn(3, 7, 16), dim: 2).requires_grad_(true);
        var k = nn.functional.normalize(randn(3, 7, 16), dim: 2).requires_grad_(true);
        var negatives = nn.functional.normalize(randn(300, 16), dim: 1);
        var upstream = rand(3, 7); // weights per position, so every row's gradient scale is checked

        var (loss, _) = InfoNce.PerQuery(q, k, negatives, tau);
        (loss * upstream).sum().backward();
        var (qGrad, kGrad) = (q.grad!.clone(), k.grad!.clone());
        q.grad!.zero_();
        k.grad!.zero_();
        var reference = ReferenceLoss(q, k, negatives, tau);
        (reference * upstream).sum().backward();

        Assert.True(loss.allclose(reference, rtol: 1e-5, atol: 1e-5), "loss differs from the plain formula");
        Assert.True(qGrad.allclose(q.grad!, rtol: 1e-4, atol: 1e-5), "query gradient differs");
        Assert.True(kGrad.allclose(k.grad!, rtol: 1e-4, atol: 1e-5), "key gradient differs");
    }

    [Fact]
    public void NoGradientReachesTheBankAndKeysWithoutGradientGetNone()
    {
        var q = nn.functional.normalize(randn(4, 8), dim: 1).requires_grad_(true);
        var k = nn.functional.normalize(randn(4, 8), dim: 1);
        var negatives = nn.functional.normalize(randn(20, 8), dim: 1).requires_grad_(true);
        InfoNce.PerQuery(q, k, negatives, 0.2).Loss.sum().backward();
        Assert.NotNull(q.grad);
        Assert.Null(k.grad);
        Assert.Null(negatives.grad);
    }

    [Fact]
    public void PatchLossIsSmallestWhenPositionsMatch()
    {
        // Identical views: keys equal queries position by position. Shuffling the key positions must raise the loss.
        manual_seed(3);
        var q = nn.functional.normalize(randn(4, 9, 16), dim: 2);
        var negatives = nn.functional.normalize(randn(64, 16), dim: 1);
        double matched = InfoNce.PatchLoss(InfoNce.PerQuery(q, q, negatives, 0.2).Loss).item<float>();
        var shuffled = q.index_select(1, tensor(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 0 }));
        double mismatched = InfoNce.PatchLoss(InfoNce.PerQuery(q, shuffled, negatives, 0.2).Loss).item<float>();
        Assert.True(matched < mismatched, $"{matched} !< {mismatched}");
    }

    [Fact]
    public void CorrectMarksQueriesWhosePositiveOutscoresEveryNegative()
    {
        // 1-d embeddings: every query is 1, so the logits are the keys and the negatives (1 and 2) over tau.
        var q = ones(5, 1);
        var k = tensor(new float[] { 3, 0, 2.5f, 1.5f, 2 }).reshape(5, 1);
        var negatives = tensor(new float[] { 1, 2 }).reshape(2, 1);
        var (_, correct) = InfoNce.PerQuery(q, k, negatives, 0.2);
        // The last one ties with the best negative: argmax picks the first column, the positive, as MoCo's accuracy does.
        Assert.Equal([1f, 0f, 1f, 0f, 1f], correct.data<float>().ToArray());
        Assert.False(correct.requires_grad);
    }
}
