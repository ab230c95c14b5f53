using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.Losses;

/// <summary>detectron2's smooth_l1_loss (fvcore): L1 for beta below 1e-5, else 0.5 x^2 / beta under beta and |x| - beta / 2 above.</summary>
public static class SmoothL1Loss
{
    /// <summary>The summed loss between <paramref name="input"/> and <paramref name="target"/> of the same shape.</summary>
    public static Tensor Sum(Tensor input, Tensor target, double beta)
    {
        if (!input.shape.SequenceEqual(target.shape))
            throw new ArgumentException($"input [{string.Join(", ", input.shape)}] and target [{string.Join(", ", target.shape)}] differ in shape");
        if (beta < 0) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must not be negative");
        using var scope = NewDisposeScope();
        var n = (input - target).abs();
        // fvcore: a tiny beta would divide by almost zero, so it means plain L1.
        var loss = beta < 1e-5 ? n : where(n < S(beta), (n.mul(S(0.5)) * n).div(S(beta)), n.sub(S(0.5 * beta)));
        return scope.MoveToOuter(loss.sum());
    }
}
