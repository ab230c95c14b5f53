using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling;

/// <summary>detectron2's subsample_labels: a random minibatch with at most a given fraction of foreground.</summary>
public static class BalancedSampler
{
    /// <summary>
    /// Indices (int64) of up to <paramref name="numSamples"/> elements of <paramref name="labels"/>: at most
    /// numSamples * <paramref name="positiveFraction"/> foreground (label neither -1 nor <paramref name="backgroundLabel"/>),
    /// the rest background (label == backgroundLabel) as far as there are; each drawn uniformly without replacement.
    /// </summary>
    public static (Tensor Positive, Tensor Negative) Sample(Tensor labels, int numSamples, double positiveFraction, long backgroundLabel)
    {
        if (numSamples < 0) throw new ArgumentOutOfRangeException(nameof(numSamples), numSamples, "must not be negative");
        if (positiveFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(positiveFraction), positiveFraction, "must be in [0, 1]");
        using var scope = NewDisposeScope();
        var positive = nonzero(labels.ne(S(Matcher.Ignore)).logical_and(labels.ne(S(backgroundLabel)))).view(-1);
        var negative = nonzero(labels.eq(S(backgroundLabel))).view(-1);
        long numPositive = Math.Min(positive.numel(), (long)(numSamples * positiveFraction));
        long numNegative = Math.Min(negative.numel(), numSamples - numPositive);
        var pickedPositive = positive[randperm(positive.numel(), device: labels.device)[..(int)numPositive]];
        var pickedNegative = negative[randperm(negative.numel(), device: labels.device)[..(int)numNegative]];
        return scope.MoveToOuter(pickedPositive, pickedNegative);
    }
}
