using Dupr.Core.Ops;
using Dupr.Detection.Config;
using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.Retina;

/// <summary>
/// detectron2's RetinaNet.inference_single_image: per level, sigmoid scores of every (anchor, class) above the score
/// threshold, the top-k of them decoded against their anchors; then per-class NMS across levels and the best detections.
/// </summary>
public static class RetinaNetInference
{
    /// <summary>
    /// One image's detections in network-input pixels (not clipped: <see cref="MetaArch.DetectorPostprocess"/> clips).
    /// Per level i: <paramref name="anchors"/>[i] [Ri, 4], <paramref name="logits"/>[i] [Ri, K] and
    /// <paramref name="deltas"/>[i] [Ri, 4], rows in the same anchor order.
    /// </summary>
    public static Detections SingleImage(IReadOnlyList<Tensor> anchors, IReadOnlyList<Tensor> logits, IReadOnlyList<Tensor> deltas,
                                         BoxCoder coder, RetinaNetSection config)
    {
        if (anchors.Count != logits.Count || anchors.Count != deltas.Count)
            throw new ArgumentException($"expected one anchor, logit and delta tensor per level, got {anchors.Count}, {logits.Count}, {deltas.Count}");
        using var scope = NewDisposeScope();
        var boxes = new List<Tensor>();
        var scores = new List<Tensor>();
        var classes = new List<Tensor>();
        for (int level = 0; level < anchors.Count; level++)
        {
            long k = logits[level].size(1);
            // Flattened anchor-major, class-minor, as detectron2's box_cls_i.flatten(): index = anchor * K + class.
            var probabilities = logits[level].flatten().sigmoid();
            var candidates = nonzero(probabilities > S(config.ScoreThreshTest)).view(-1);
            long count = Math.Min(config.TopkCandidatesTest, candidates.numel());
            var (top, order) = probabilities[candidates].topk((int)count);
            candidates = candidates[order];
            var anchorIndex = candidates.div(S(k), rounding_mode: RoundingMode.floor);
            boxes.Add(coder.Decode(deltas[level][anchorIndex], anchors[level][anchorIndex]));
            scores.Add(top);
            classes.Add(candidates.remainder(S(k)));
        }
        var allBoxes = cat(boxes, 0);
        var allScores = cat(scores, 0);
        var allClasses = cat(classes, 0);
        // A diverged head can decode to inf/NaN; NMS cannot order such boxes, so they are dropped (detectron2 keeps them).
        var finite = isfinite(allBoxes).all(1);
        if (!finite.all().ReadItem<bool>()) (allBoxes, allScores, allClasses) = (allBoxes[finite], allScores[finite], allClasses[finite]);
        var keep = Nms.Batched(allBoxes, allScores, allClasses, config.NmsThreshTest);
        keep = keep[..(int)Math.Min(config.DetectionsPerImage, keep.numel())];
        var result = new Detections(allBoxes[keep], allScores[keep], allClasses[keep]);
        scope.MoveToOuter(result.Tensors);
        return result;
    }
}
