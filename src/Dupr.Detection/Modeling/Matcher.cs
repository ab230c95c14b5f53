using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling;

/// <summary>
/// detectron2's Matcher: assigns each prediction (anchor or proposal) its best ground-truth box and a label
/// from the IoU bands between <see cref="Thresholds"/>, e.g. RPN [0.3, 0.7] -> labels 0 / -1 / 1.
/// </summary>
public sealed class Matcher
{
    /// <summary>Label of a prediction matched as background.</summary>
    public const long Negative = 0;

    /// <summary>Label of a prediction matched as foreground.</summary>
    public const long Positive = 1;

    /// <summary>Label of a prediction ignored by the losses.</summary>
    public const long Ignore = -1;

    private readonly double[] bounds;

    /// <summary>
    /// Labels[i] applies to IoU in [bounds[i], bounds[i + 1]) with bounds = [-inf, thresholds..., +inf];
    /// <paramref name="allowLowQualityMatches"/> also makes positive every prediction tied for the best IoU of some ground-truth box.
    /// </summary>
    public Matcher(IReadOnlyList<double> thresholds, IReadOnlyList<long> labels, bool allowLowQualityMatches)
    {
        if (thresholds.Count == 0) throw new ArgumentException("matcher needs at least one threshold", nameof(thresholds));
        for (int i = 1; i < thresholds.Count; i++)
            if (thresholds[i] < thresholds[i - 1]) throw new ArgumentException("matcher thresholds must not decrease", nameof(thresholds));
        if (labels.Count != thresholds.Count + 1)
            throw new ArgumentException($"matcher needs {thresholds.Count + 1} labels for {thresholds.Count} thresholds, got {labels.Count}", nameof(labels));
        if (labels.Any(l => l is not (Negative or Positive or Ignore))) throw new ArgumentException("matcher labels must be -1, 0 or 1", nameof(labels));
        Thresholds = thresholds.ToArray();
        Labels = labels.ToArray();
        AllowLowQualityMatches = allowLowQualityMatches;
        bounds = [double.NegativeInfinity, .. thresholds, double.PositiveInfinity];
    }

    /// <summary>The IoU thresholds separating the label bands.</summary>
    public IReadOnlyList<double> Thresholds { get; }

    /// <summary>The label of each band.</summary>
    public IReadOnlyList<long> Labels { get; }

    /// <summary>Whether the best prediction(s) of each ground-truth box are positive whatever their IoU.</summary>
    public bool AllowLowQualityMatches { get; }

    /// <summary>
    /// For a [G, N] IoU matrix (ground truth x predictions): the matched ground-truth index [N] int64 and the
    /// label [N] int64 of each prediction. With no ground truth every prediction is matched to 0 with Labels[0].
    /// </summary>
    public (Tensor Matches, Tensor Labels) Match(Tensor quality)
    {
        if (quality.dim() != 2) throw new ArgumentException($"match quality must be [G, N], got [{string.Join(", ", quality.shape)}]", nameof(quality));
        using var scope = NewDisposeScope();
        long n = quality.size(1);
        if (quality.size(0) == 0 || n == 0)
            return scope.MoveToOuter(zeros(n, ScalarType.Int64, quality.device), full(n, S(Labels[0]), ScalarType.Int64, quality.device));

        var (values, matches) = quality.max(0);
        var labels = ones(n, ScalarType.Int64, quality.device);
        for (int i = 0; i < Labels.Count; i++)
        {
            var band = values.ge(S(bounds[i])).logical_and(values.lt(S(bounds[i + 1])));
            labels.masked_fill_(band, S(Labels[i]));
        }
        if (AllowLowQualityMatches)
        {
            // detectron2's set_low_quality_matches_: every prediction tied for a ground truth's best IoU (even 0) becomes positive.
            var best = quality.max(1).values;
            var predictions = nonzero(quality.eq(best.unsqueeze(1)))[.., 1];
            labels.index_fill_(0, predictions, S(Positive));
        }
        return scope.MoveToOuter(matches, labels);
    }
}
