using Dupr.Core.Modeling;
using Dupr.Core.Ops;
using Dupr.Detection.Config;
using Dupr.Detection.Data;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>
/// detectron2's StandardROIHeads on a feature pyramid: boxes pooled from P2..P5 by size (canonical 224 px box on P4),
/// a <see cref="FastRcnnConvFcHead"/> and <see cref="FastRcnnOutputLayers"/>; with masks, a separate pooler and a
/// <see cref="MaskRcnnConvUpsampleHead"/> on the foreground proposals (training) or the detected boxes (inference).
/// </summary>
public sealed class StandardRoiHeads : nn.Module
{
    // detectron2's attribute names: keys roi_heads.box_head.*, roi_heads.box_predictor.*, roi_heads.mask_head.*.
    private readonly RoIPooler box_pooler;
    private readonly FastRcnnConvFcHead box_head;
    private readonly FastRcnnOutputLayers box_predictor;
    private readonly RoIPooler? mask_pooler;
    private readonly MaskRcnnConvUpsampleHead? mask_head;
    private readonly ProposalSampler sampler;
    private readonly string[] inFeatures;
    private readonly int numClasses;

    /// <summary>Heads on the pyramid levels roi_heads.in_features of <paramref name="levels"/>; a mask head when <paramref name="masks"/>.</summary>
    public StandardRoiHeads(DetectionConfig config, IReadOnlyDictionary<string, FeatureSpec> levels, bool masks) : base(nameof(StandardRoiHeads))
    {
        var roi = config.RoiHeads;
        inFeatures = [.. roi.InFeatures];
        var scales = inFeatures.Select(f => 1.0 / levels[f].Stride).ToList();
        long channels = levels[inFeatures[0]].Channels;
        box_pooler = new RoIPooler((roi.PoolerResolution, roi.PoolerResolution), scales, roi.PoolerSamplingRatio, roi.PoolerAligned);
        box_head = new FastRcnnConvFcHead(config.BoxHead, channels, roi.PoolerResolution);
        box_predictor = new FastRcnnOutputLayers(roi, box_head.OutputSize);
        if (masks)
        {
            var mask = config.MaskHead;
            mask_pooler = new RoIPooler((mask.PoolerResolution, mask.PoolerResolution), scales, mask.PoolerSamplingRatio, mask.PoolerAligned);
            mask_head = new MaskRcnnConvUpsampleHead(mask, channels, roi.NumClasses);
        }
        sampler = new ProposalSampler(roi);
        numClasses = roi.NumClasses;
        RegisterComponents();
    }

    /// <summary>The pyramid levels the heads read, finest first.</summary>
    public IReadOnlyList<string> InFeatures => inFeatures;

    /// <summary>The box pooler (level of a box: floor(4 + log2(sqrt(area) / 224)), clamped to the levels).</summary>
    public RoIPooler BoxPooler => box_pooler;

    /// <summary>
    /// The training losses (loss_cls, loss_box_reg, and loss_mask with a mask head) of the proposals sampled from each
    /// image's <paramref name="proposals"/> against its <paramref name="targets"/> (boxes, classes, masks).
    /// </summary>
    public Dictionary<string, Tensor> Losses(IReadOnlyDictionary<string, Tensor> features, IReadOnlyList<Tensor> proposals, IReadOnlyList<DetectionSample> targets)
    {
        using var scope = NewDisposeScope();
        var levels = Levels(features);
        SampledProposals[] sampled;
        using (no_grad())
            sampled = proposals.Select((p, i) => sampler.Sample(p, targets[i].Boxes, targets[i].Classes)).ToArray();
        var (scores, deltas) = Predict(levels, sampled.Select(s => s.Proposals).ToList());
        var losses = box_predictor.Losses(scores, deltas, SampledProposals.Concat(sampled));
        if (mask_head is not null)
        {
            // The mask loss is defined on foreground proposals only.
            var foreground = sampled.Select(s => s.Foreground(numClasses)).ToList();
            var logits = mask_head.call(mask_pooler!.call(levels, foreground.Select(f => f.Proposals).ToList()));
            losses["loss_mask"] = MaskRcnnOutputs.Loss(logits, foreground, targets);
        }
        scope.MoveToOuter(losses.Values);
        return losses;
    }

    /// <summary>
    /// Each image's detections in the coordinates of its (unpadded) input of <paramref name="imageSizes"/>; with a mask
    /// head, each detection's mask probabilities [K, 1, M, M] in <see cref="Detections.Masks"/>.
    /// </summary>
    public Detections[] Inference(IReadOnlyDictionary<string, Tensor> features, IReadOnlyList<Tensor> proposals, IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        using var scope = NewDisposeScope();
        var levels = Levels(features);
        var (scores, deltas) = Predict(levels, proposals);
        var counts = proposals.Select(p => p.size(0)).ToArray();
        var imageScores = scores.split(counts);
        var imageDeltas = deltas.split(counts);
        var result = proposals.Select((p, i) => box_predictor.Inference(imageScores[i], imageDeltas[i], p, imageSizes[i])).ToArray();
        if (mask_head is not null)
        {
            var logits = mask_head.call(mask_pooler!.call(levels, result.Select(d => d.Boxes).ToList()));
            result = MaskRcnnOutputs.Attach(result, MaskRcnnOutputs.Probabilities(logits, cat(result.Select(d => d.Classes).ToList(), 0)));
        }
        foreach (var d in result) scope.MoveToOuter(d.Tensors);
        return result;
    }

    private List<Tensor> Levels(IReadOnlyDictionary<string, Tensor> features) => inFeatures.Select(f => features[f]).ToList();

    private (Tensor Scores, Tensor Deltas) Predict(IReadOnlyList<Tensor> levels, IReadOnlyList<Tensor> boxes) =>
        box_predictor.call(box_head.call(box_pooler.call(levels, boxes)));
}
