using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Distributed;

/// <summary>
/// SyncBN's training forward (PyTorch's SyncBatchNorm): the batch mean and variance over every rank's images, through two
/// differentiable all-reduces (per-channel sums and count, then the centred squares), so the backward sums the
/// statistics' gradients over the ranks as well.
/// </summary>
internal static class SyncBatchStatistics
{
    /// <summary>
    /// Normalises <paramref name="input"/> [N, C, H, W] with the statistics of all ranks' inputs and folds them into the
    /// running statistics with weight <paramref name="factor"/> (unbiased variance, as BatchNorm2d).
    /// </summary>
    public static Tensor Forward(World world, Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias, double factor, double eps)
    {
        long channels = input.shape[1];
        long[] reduce = [0, 2, 3];
        var count = full([1], S((double)(input.numel() / channels)), input.dtype, input.device);
        var sums = AllReduceFunction.apply(cat([input.sum(reduce), count]), world);
        var total = sums.narrow(0, channels, 1);
        var mean = sums.narrow(0, 0, channels).div(total);
        var centred = input.sub(mean.view(1, -1, 1, 1));
        var variance = AllReduceFunction.apply(centred.pow(S(2)).sum(reduce), world).div(total);
        using (no_grad())
        {
            var unbiased = variance.detach().mul(total).div(total.sub(One).clamp_min(One));
            runningMean.mul_(S(1 - factor)).add_(mean.detach(), alpha: S(factor));
            runningVar.mul_(S(1 - factor)).add_(unbiased, alpha: S(factor));
        }
        var scale = variance.add(S(eps), One).rsqrt().mul(weight);
        return centred.mul(scale.view(1, -1, 1, 1)).add(bias.view(1, -1, 1, 1), One);
    }
}
