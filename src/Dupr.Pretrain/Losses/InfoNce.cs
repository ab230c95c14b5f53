using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Losses;

/// <summary>The InfoNCE losses of the paper: image level (eq. 8) and patch level (eq. 7), and their top-1 accuracy.</summary>
public static class InfoNce
{
    /// <summary>
    /// The logits of every query: column 0 is q.k+/tau, columns 1..K are q.n_j/tau. Queries and keys are [N, D]
    /// (image level) or [N, P, D] (patch level), negatives [K, D], all L2-normalised; the result is [..., 1 + K].
    /// </summary>
    public static Tensor Logits(Tensor queries, Tensor keys, Tensor negatives, double temperature)
    {
        using var scope = NewDisposeScope();
        var positive = (queries * keys).sum(-1, keepdim: true);
        var negative = queries.matmul(negatives.t());
        return (cat([positive, negative], -1) / temperature).MoveToOuterDisposeScope();
    }

    /// <summary>Eq. 8 from image-level <paramref name="logits"/> [N, 1 + K]: -log softmax of the positive, averaged over the batch.</summary>
    public static Tensor ImageLoss(Tensor logits)
    {
        using var scope = NewDisposeScope();
        return PositiveNll(logits).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Eq. 7 from patch-level <paramref name="logits"/> [N, P, 1 + K]: the InfoNCE of every position summed over positions,
    /// then averaged over images (or averaged over positions too when <paramref name="sumOverPositions"/> is false).
    /// </summary>
    public static Tensor PatchLoss(Tensor logits, bool sumOverPositions = true)
    {
        using var scope = NewDisposeScope();
        var perPosition = PositiveNll(logits); // [N, P]
        var perImage = sumOverPositions ? perPosition.sum(1) : perPosition.mean([1]);
        return perImage.mean().MoveToOuterDisposeScope();
    }

    // -log softmax of column 0 as logsumexp - logit: the same value without materialising a log-softmax as large as the
    // logits ([N, S*S, 1 + K] for the patch loss, the largest tensor of a DUPR step).
    static Tensor PositiveNll(Tensor logits) => logits.logsumexp(-1) - logits.select(-1, 0);

    /// <summary>
    /// MoCo's Acc@1: the fraction of queries (image or position) whose positive outscores every negative. A contrastive
    /// loss is measured against a bank that keeps changing, so this tells learning from collapse better than the loss.
    /// </summary>
    public static double Top1(Tensor logits)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return logits.argmax(-1).eq(0).to(ScalarType.Float32).mean().item<float>();
    }
}
