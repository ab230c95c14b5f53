using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Losses;

/// <summary>The InfoNCE losses of the paper: image level (eq. 8) and patch level (eq. 7).</summary>
public static class InfoNce
{
    /// <summary>
    /// Eq. 8: -log(exp(q.k+/tau) / (exp(q.k+/tau) + sum_j exp(q.n_j/tau))), averaged over the batch.
    /// <paramref name="queries"/> and <paramref name="keys"/> are [N, D], <paramref name="negatives"/> [K, D], all L2-normalised.
    /// </summary>
    public static Tensor ImageLoss(Tensor queries, Tensor keys, Tensor negatives, double temperature)
    {
        using var scope = NewDisposeScope();
        var positive = (queries * keys).sum(1, keepdim: true);
        var negative = queries.matmul(negatives.t());
        var logits = cat([positive, negative], 1) / temperature;
        return (-nn.functional.log_softmax(logits, 1).select(1, 0)).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Eq. 7: for each image, the InfoNCE of every position p (query r1_p, positive r2_p, negatives
    /// from the patch bank), summed over positions; then averaged over images (or averaged over
    /// positions too when <paramref name="sumOverPositions"/> is false). Queries and keys are [N, P, D].
    /// </summary>
    public static Tensor PatchLoss(Tensor queries, Tensor keys, Tensor negatives, double temperature, bool sumOverPositions = true)
    {
        using var scope = NewDisposeScope();
        var positive = (queries * keys).sum(2, keepdim: true);          // [N, P, 1]
        var negative = queries.matmul(negatives.t());                   // [N, P, K]
        var logits = cat([positive, negative], 2) / temperature;
        var perPosition = -nn.functional.log_softmax(logits, 2).select(2, 0); // [N, P]
        var perImage = sumOverPositions ? perPosition.sum(1) : perPosition.mean([1]);
        return perImage.mean().MoveToOuterDisposeScope();
    }
}
