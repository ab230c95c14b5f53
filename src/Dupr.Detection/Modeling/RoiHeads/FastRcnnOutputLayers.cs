using Dupr.Core.Modeling;
using Dupr.Core.Ops;
using Dupr.Detection.Config;
using TorchSharp.Modules;
using SmoothL1Loss = Dupr.Detection.Modeling.Losses.SmoothL1Loss;
using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>
/// detectron2's FastRCNNOutputLayers: K + 1 class logits (background last) and class-specific box deltas from
/// pooled box features; cross-entropy + L1 losses, and test-time scoring, per-class NMS and top-k.
/// </summary>
public sealed class FastRcnnOutputLayers : nn.Module<Tensor, (Tensor Scores, Tensor Deltas)>
{
    // detectron2's attribute names: keys roi_heads.box_predictor.cls_score / bbox_pred.
    private readonly AutocastLinear cls_score;
    private readonly AutocastLinear bbox_pred;
    private readonly RoiHeadsSection config;

    /// <summary>Predictor layers over <paramref name="inputSize"/>-dimensional box features.</summary>
    public FastRcnnOutputLayers(RoiHeadsSection config, long inputSize) : base(nameof(FastRcnnOutputLayers))
    {
        this.config = config;
        var w = config.BboxRegWeights;
        Coder = new BoxCoder((w[0], w[1], w[2], w[3]));
        cls_score = new AutocastLinear(inputSize, config.NumClasses + 1);
        bbox_pred = new AutocastLinear(inputSize, config.NumClasses * 4);
        RegisterComponents();
        // detectron2: normal(std 0.01) class weights, normal(std 0.001) box weights, zero biases.
        HeadInit.NormalFill(cls_score, 0.01);
        HeadInit.NormalFill(bbox_pred, 0.001);
    }

    /// <summary>The coder of the box deltas (weights 10, 10, 5, 5 by default).</summary>
    public BoxCoder Coder { get; }

    /// <summary>Class logits [R, K + 1] and box deltas [R, 4K] of [R, D] features.</summary>
    public override (Tensor Scores, Tensor Deltas) forward(Tensor features) => (cls_score.call(features), bbox_pred.call(features));

    /// <summary>
    /// loss_cls (mean cross-entropy over the sampled proposals) and loss_box_reg (smooth L1 with roi_heads.smooth_l1_beta,
    /// by default 0 = L1, of the ground-truth class's deltas on foreground proposals, summed and divided by the sampled
    /// count, as detectron2's), the latter times roi_heads.box_reg_loss_weight.
    /// </summary>
    public Dictionary<string, Tensor> Losses(Tensor scores, Tensor deltas, SampledProposals sampled)
    {
        using var scope = NewDisposeScope();
        var classes = sampled.Classes;
        var clsLoss = classes.numel() == 0 ? scores.sum().mul(S(0)) : nn.functional.cross_entropy(scores, classes);
        var foreground = nonzero(classes.ge(S(0)).logical_and(classes.lt(S(config.NumClasses)))).view(-1);
        var fgClasses = classes[foreground];
        var predicted = deltas.view(-1, config.NumClasses, 4)[foreground, fgClasses];
        var targets = Coder.Encode(sampled.Proposals[foreground], sampled.GtBoxes[foreground]);
        var boxLoss = SmoothL1Loss.Sum(predicted, targets, config.SmoothL1Beta).div(S(Math.Max(classes.numel(), 1)));
        if (config.BoxRegLossWeight != 1) boxLoss = boxLoss.mul(S(config.BoxRegLossWeight));
        return new Dictionary<string, Tensor>
        {
            ["loss_cls"] = scope.MoveToOuter(clsLoss),
            ["loss_box_reg"] = scope.MoveToOuter(boxLoss),
        };
    }

    /// <summary>
    /// detectron2's fast_rcnn_inference_single_image: softmax scores without background, class boxes decoded and clipped
    /// to the image, score above the threshold, per-class NMS, the top detections_per_image.
    /// </summary>
    public Detections Inference(Tensor scores, Tensor deltas, Tensor proposals, (int Height, int Width) imageSize)
    {
        using var scope = NewDisposeScope();
        int k = config.NumClasses;
        var probabilities = nn.functional.softmax(scores, -1);
        var boxes = Coder.Decode(deltas, proposals);
        var finite = isfinite(boxes).all(1).logical_and(isfinite(probabilities).all(1));
        if (!finite.all().ReadItem<bool>()) (boxes, probabilities) = (boxes[finite], probabilities[finite]);
        probabilities = probabilities[.., ..k];
        boxes = BoxOps.Clip(boxes.reshape(-1, 4), imageSize.Height, imageSize.Width).view(-1, k, 4);
        var keepMask = probabilities > S(config.ScoreThreshTest);
        var index = nonzero(keepMask);
        var candidates = boxes[keepMask];
        var candidateScores = probabilities[keepMask];
        var candidateClasses = index[.., 1];
        var keep = Nms.Batched(candidates, candidateScores, candidateClasses, config.NmsThreshTest);
        keep = keep[..(int)Math.Min(config.DetectionsPerImage, keep.numel())];
        var result = new Detections(candidates[keep], candidateScores[keep], candidateClasses[keep]);
        scope.MoveToOuter(result.Tensors);
        return result;
    }
}
