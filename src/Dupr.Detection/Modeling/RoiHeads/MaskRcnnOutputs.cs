using Dupr.Detection.Data;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>What the mask head's logits mean: detectron2's mask_rcnn_loss and mask_rcnn_inference.</summary>
public static class MaskRcnnOutputs
{
    /// <summary>
    /// loss_mask: mean binary cross-entropy between the ground-truth class's logits (the only channel when class-agnostic)
    /// of <paramref name="logits"/> [F, K or 1, M, M] and the M x M targets of each image's <paramref name="foreground"/> proposals,
    /// in order; zero (still in the graph) when there are none.
    /// </summary>
    public static Tensor Loss(Tensor logits, IReadOnlyList<SampledProposals> foreground, IReadOnlyList<DetectionSample> targets)
    {
        using var scope = NewDisposeScope();
        if (logits.size(0) == 0) return scope.MoveToOuter(logits.sum().mul(S(0)));
        int size = (int)logits.size(2);
        var gtMasks = cat(foreground.Select((f, i) => MaskTargets.Create(targets[i], f.Proposals, f.GtIndices, size)).ToList(), 0);
        var classes = cat(foreground.Select(f => f.Classes).ToList(), 0);
        var predicted = Select(logits, classes);
        var loss = nn.functional.binary_cross_entropy_with_logits(predicted, gtMasks.to_type(predicted.dtype));
        return scope.MoveToOuter(loss);
    }

    /// <summary>Per-box mask probabilities [K, 1, M, M]: the sigmoid of each box's class channel of <paramref name="logits"/> (or of the only one).</summary>
    public static Tensor Probabilities(Tensor logits, Tensor classes)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Select(logits, classes).sigmoid().unsqueeze(1));
    }

    /// <summary>Each image's detections with its rows of <paramref name="masks"/> (every image's masks, in order) as <see cref="Detections.Masks"/>.</summary>
    public static Detections[] Attach(IReadOnlyList<Detections> detections, Tensor masks)
    {
        var perImage = masks.split(detections.Select(d => (long)d.Count).ToArray());
        return detections.Select((d, i) => d with { Masks = perImage[i] }).ToArray();
    }

    // [R, M, M]: row r's channel classes[r], or channel 0 of a class-agnostic head.
    static Tensor Select(Tensor logits, Tensor classes)
    {
        if (logits.size(1) == 1) return logits[.., 0];
        var rows = arange(S(0), S(logits.size(0)), S(1), ScalarType.Int64, logits.device);
        return logits[rows, classes.to(logits.device)];
    }
}
