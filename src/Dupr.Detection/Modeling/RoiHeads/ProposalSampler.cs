using Dupr.Core.Ops;
using Dupr.Detection.Config;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>detectron2's ROIHeads.label_and_sample_proposals: match proposals (plus ground truth) to ground truth, then sample.</summary>
public sealed class ProposalSampler
{
    private readonly RoiHeadsSection config;
    private readonly Matcher matcher;

    /// <summary>A sampler with the IoU threshold, batch size and foreground fraction of <paramref name="config"/>.</summary>
    public ProposalSampler(RoiHeadsSection config)
    {
        this.config = config;
        // detectron2's ROI_HEADS: IOU_THRESHOLDS [0.5], IOU_LABELS [0, 1], no low-quality matches.
        matcher = new Matcher([config.IouThreshold], [Matcher.Negative, Matcher.Positive], allowLowQualityMatches: false);
    }

    /// <summary>The sampled proposals of one image from its proposals [P, 4] and ground truth boxes [G, 4] and classes [G].</summary>
    public SampledProposals Sample(Tensor proposals, Tensor gtBoxes, Tensor gtClasses)
    {
        using var scope = NewDisposeScope();
        gtBoxes = gtBoxes.to_type(proposals.dtype);
        (proposals, var classes, var matches) = Label(proposals, gtBoxes, gtClasses);
        long background = config.NumClasses;
        var (positive, negative) = BalancedSampler.Sample(classes, config.BatchSizePerImage, config.PositiveFraction, background);
        var picked = cat([positive, negative], 0);
        bool noGt = gtBoxes.size(0) == 0;
        var matchedIndices = noGt ? zeros(picked.numel(), ScalarType.Int64, proposals.device) : matches[picked];
        var matchedBoxes = noGt ? zeros(picked.numel(), 4, proposals.dtype, proposals.device) : gtBoxes[matchedIndices];
        var result = new SampledProposals(proposals[picked], classes[picked], matchedBoxes, matchedIndices);
        scope.MoveToOuter(result.Tensors);
        return result;
    }

    /// <summary>
    /// Before sampling: the proposals (the ground truth appended with roi_heads.proposal_append_gt), each one's class
    /// (0..K-1 foreground, K background, -1 ignored) and matched ground-truth index (its best IoU; 0 with no ground truth).
    /// </summary>
    internal (Tensor Proposals, Tensor Classes, Tensor Matches) Label(Tensor proposals, Tensor gtBoxes, Tensor gtClasses)
    {
        using var scope = NewDisposeScope();
        gtBoxes = gtBoxes.to_type(proposals.dtype);
        // Ground truth as proposals gives the head perfect positives from the first iteration (PROPOSAL_APPEND_GT).
        if (config.ProposalAppendGt) proposals = cat([proposals, gtBoxes], 0);
        var (matches, labels) = matcher.Match(BoxOps.PairwiseIou(gtBoxes, proposals));
        long background = config.NumClasses;
        var classes = gtBoxes.size(0) == 0 ? full(proposals.size(0), S(background), ScalarType.Int64, proposals.device) : gtClasses.to_type(ScalarType.Int64)[matches];
        classes = classes.masked_fill(labels.eq(S(Matcher.Negative)), S(background)).masked_fill(labels.eq(S(Matcher.Ignore)), S(Matcher.Ignore));
        return scope.MoveToOuter(proposals, classes, matches);
    }
}
