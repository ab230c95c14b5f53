using Dupr.Detection.Config;
using Dupr.Detection.Data;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>
/// detectron2's ROIHeads: what every two-stage box head does alike (sample proposals against the ground truth, predict
/// classes and deltas, the box and mask losses, per-image inference, masks of the detected boxes). A subclass holds the
/// layers and says how boxes become features: <see cref="Res5RoiHeads"/> (C4) and <see cref="StandardRoiHeads"/> (FPN).
/// </summary>
public abstract class RoiHeadsBase : nn.Module
{
    private readonly ProposalSampler sampler;
    private readonly int numClasses;

    /// <summary>Heads with the sampling and classes of <paramref name="config"/>; the subclass registers its layers.</summary>
    protected RoiHeadsBase(string name, RoiHeadsSection config) : base(name)
    {
        sampler = new ProposalSampler(config);
        numClasses = config.NumClasses;
    }

    /// <summary>Class logits and box deltas from <see cref="BoxHead"/>'s features.</summary>
    protected abstract FastRcnnOutputLayers BoxPredictor { get; }

    /// <summary>The mask head, or null for a box-only detector.</summary>
    protected abstract MaskRcnnConvUpsampleHead? MaskHead { get; }

    /// <summary>Pooled features [R, C, h, w] of each image's <paramref name="boxes"/>, in order.</summary>
    protected abstract Tensor PoolBoxes(IReadOnlyDictionary<string, Tensor> features, IReadOnlyList<Tensor> boxes);

    /// <summary>The box predictor's input [R, D] from <see cref="PoolBoxes"/>' output.</summary>
    protected abstract Tensor BoxHead(Tensor pooled);

    /// <summary>The mask head's input for each image's <paramref name="boxes"/> (the detected boxes at inference).</summary>
    protected abstract Tensor MaskInput(IReadOnlyDictionary<string, Tensor> features, IReadOnlyList<Tensor> boxes);

    /// <summary>
    /// The mask head's input for the <paramref name="foreground"/> proposals of each image in training; by default
    /// <see cref="MaskInput"/> of their boxes. <paramref name="sampled"/> and <paramref name="pooled"/> are all the
    /// sampled proposals and their pooled features, for heads that reuse them.
    /// </summary>
    protected virtual Tensor TrainingMaskInput(IReadOnlyDictionary<string, Tensor> features, IReadOnlyList<SampledProposals> foreground,
                                               SampledProposals sampled, Tensor pooled) =>
        MaskInput(features, foreground.Select(f => f.Proposals).ToList());

    /// <summary>Object classes (background excluded).</summary>
    protected int NumClasses => numClasses;

    /// <summary>
    /// The training losses (loss_cls, loss_box_reg, and loss_mask with a mask head) of the proposals sampled from each
    /// image's <paramref name="proposals"/> against its <paramref name="targets"/> (boxes, classes, masks).
    /// </summary>
    public Dictionary<string, Tensor> Losses(IReadOnlyDictionary<string, Tensor> features, IReadOnlyList<Tensor> proposals, IReadOnlyList<DetectionSample> targets)
    {
        using var scope = NewDisposeScope();
        SampledProposals[] sampled;
        using (no_grad())
            sampled = proposals.Select((p, i) => sampler.Sample(p, targets[i].Boxes, targets[i].Classes)).ToArray();
        var all = SampledProposals.Concat(sampled);
        var pooled = PoolBoxes(features, sampled.Select(s => s.Proposals).ToList());
        var (scores, deltas) = BoxPredictor.call(BoxHead(pooled));
        var losses = BoxPredictor.Losses(scores, deltas, all);
        if (MaskHead is { } maskHead)
        {
            // The mask loss is defined on foreground proposals only.
            var foreground = sampled.Select(s => s.Foreground(numClasses)).ToList();
            var logits = maskHead.call(TrainingMaskInput(features, foreground, all, pooled));
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
        var (scores, deltas) = BoxPredictor.call(BoxHead(PoolBoxes(features, proposals)));
        var counts = proposals.Select(p => p.size(0)).ToArray();
        var imageScores = scores.split(counts);
        var imageDeltas = deltas.split(counts);
        var result = proposals.Select((p, i) => BoxPredictor.Inference(imageScores[i], imageDeltas[i], p, imageSizes[i])).ToArray();
        if (MaskHead is { } maskHead)
        {
            // detectron2's forward_with_given_boxes: masks of the detected boxes.
            var logits = maskHead.call(MaskInput(features, result.Select(d => d.Boxes).ToList()));
            result = MaskRcnnOutputs.Attach(result, MaskRcnnOutputs.Probabilities(logits, cat(result.Select(d => d.Classes).ToList(), 0)));
        }
        foreach (var d in result) scope.MoveToOuter(d.Tensors);
        return result;
    }
}
