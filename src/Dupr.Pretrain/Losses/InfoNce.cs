using static TorchSharp.torch;

namespace Dupr.Pretrain.Losses;

/// <summary>The InfoNCE losses of the paper: image level (eq. 8) and patch level (eq. 7), and their top-1 accuracy.</summary>
public static class InfoNce
{
    /// <summary>
    /// Eq. 1 for every query: -log of the softmax of q.k+/tau among [q.k+, q.n_1, ..., q.n_K]/tau. Queries and keys
    /// are [..., D] (image level [N, D], patch level [N, P, D]), negatives [K, D], all L2-normalised. Returns the loss
    /// per query and, per query, 1 where the positive outscored every negative (MoCo's Acc@1), both shaped [...].
    /// </summary>
    /// <remarks>
    /// The logits are never kept for autograd (<see cref="InfoNceFunction"/>): at the patch level they are
    /// [N, S*S, 1 + K], the largest tensors of a DUPR step (N x 196 x 65,537 at res4 with the paper's bank).
    /// Gradients reach the queries and keys; the bank is a constant.
    /// </remarks>
    public static (Tensor Loss, Tensor Correct) PerQuery(Tensor queries, Tensor keys, Tensor negatives, double temperature)
    {
        using var scope = NewDisposeScope();
        long dim = queries.shape[^1];
        long[] shape = queries.shape[..^1];
        var outputs = InfoNceFunction.apply(queries.reshape(-1, dim), keys.reshape(-1, dim), negatives, temperature);
        return (outputs[0].view(shape).MoveToOuterDisposeScope(), outputs[1].view(shape).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Eq. 7 from the per-position losses [N, P] of <see cref="PerQuery"/>: summed over positions, then averaged over
    /// images (or averaged over positions too when <paramref name="sumOverPositions"/> is false).
    /// </summary>
    public static Tensor PatchLoss(Tensor perPosition, bool sumOverPositions = true)
    {
        using var scope = NewDisposeScope();
        var perImage = sumOverPositions ? perPosition.sum(1) : perPosition.mean([1]);
        return perImage.mean().MoveToOuterDisposeScope();
    }
}
