using Dupr.Core.Modeling;
using Dupr.Core.Ops;
using Dupr.Detection.Config;
using Dupr.Detection.Data;
using TorchSharp.Modules;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>
/// The C4 box head (detectron2's Res5ROIHeads, with MoCo's Res5ROIHeadsExtraNorm option): RoIAlign of each proposal
/// on res4, the res5 stage (stride 2), an optional norm, mean pooling, then <see cref="FastRcnnOutputLayers"/>. With a
/// mask head (Mask R-CNN C4), the res5 features of the foreground proposals (training) or of the detected boxes
/// (inference) also go through a <see cref="MaskRcnnConvUpsampleHead"/>.
/// </summary>
public sealed class Res5RoiHeads : nn.Module
{
    // detectron2's attribute names: keys roi_heads.res5.*, roi_heads.box_predictor.* and roi_heads.mask_head.*.
    private readonly RoIPooler pooler;
    private readonly Sequential res5;
    private readonly FastRcnnOutputLayers box_predictor;
    private readonly MaskRcnnConvUpsampleHead? mask_head;
    private readonly ProposalSampler sampler;
    private readonly int numClasses;

    /// <summary>
    /// A head on the <paramref name="res4"/> features of a ResNet built from <paramref name="backbone"/>; with
    /// <paramref name="maskHead"/>, a mask head on its res5 features too.
    /// </summary>
    public Res5RoiHeads(RoiHeadsSection config, ResNetConfig backbone, FeatureSpec res4, MaskHeadSection? maskHead = null) : base(nameof(Res5RoiHeads))
    {
        var (block, blocks) = ResNetConfig.Layouts[backbone.Depth];
        long planes = backbone.Width * 8L;
        // res5 is the backbone's last stage moved here, so it takes the backbone's norm (FrozenBN when frozen, as ResNet does).
        bool frozen = backbone.FreezeAt >= Core.Modeling.ResNet.StageNames.Count;
        var norm = frozen && backbone.Norm is NormKind.BN or NormKind.SyncBN ? NormKind.FrozenBN : backbone.Norm;
        res5 = ResNetStage.Create(block, res4.Channels, planes, blocks[3], 2, norm);
        long channels = planes * ResNetStage.Expansion(block);
        if (config.Res5ExtraNorm != NormKind.None) res5.append("norm", Norms.Create(config.Res5ExtraNorm, channels));
        pooler = new RoIPooler((config.PoolerResolution, config.PoolerResolution), [1.0 / res4.Stride], config.PoolerSamplingRatio, config.PoolerAligned);
        box_predictor = new FastRcnnOutputLayers(config, channels);
        if (maskHead is not null) mask_head = new MaskRcnnConvUpsampleHead(maskHead, channels, config.NumClasses);
        sampler = new ProposalSampler(config);
        numClasses = config.NumClasses;
        RegisterComponents();
        ResNetStage.InitializeWeights(res5);
        if (frozen)
            foreach (var parameter in res5.parameters()) parameter.requires_grad = false;
    }

    /// <summary>
    /// The training losses (loss_cls, loss_box_reg, and loss_mask with a mask head) of the proposals sampled from each
    /// image's <paramref name="proposals"/> against its <paramref name="targets"/> (boxes, classes, masks).
    /// </summary>
    public Dictionary<string, Tensor> Losses(Tensor features, IReadOnlyList<Tensor> proposals, IReadOnlyList<DetectionSample> targets)
    {
        using var scope = NewDisposeScope();
        SampledProposals[] sampled;
        using (no_grad())
            sampled = proposals.Select((p, i) => sampler.Sample(p, targets[i].Boxes, targets[i].Classes)).ToArray();
        var all = SampledProposals.Concat(sampled);
        var pooled = Res5Features(features, sampled.Select(s => s.Proposals).ToList());
        var (scores, deltas) = box_predictor.call(pooled.mean([2, 3]));
        var losses = box_predictor.Losses(scores, deltas, all);
        if (mask_head is not null)
        {
            // The mask loss is defined on foreground proposals only; their res5 features are already computed.
            var foreground = all.Classes.ge(S(0)).logical_and(all.Classes.lt(S(numClasses)));
            var logits = mask_head.call(pooled[foreground]);
            losses["loss_mask"] = MaskRcnnOutputs.Loss(logits, sampled.Select(s => s.Foreground(numClasses)).ToList(), targets);
        }
        scope.MoveToOuter(losses.Values);
        return losses;
    }

    /// <summary>
    /// Each image's detections in the coordinates of its (unpadded) input of <paramref name="imageSizes"/>; with a mask
    /// head, each detection's mask probabilities [K, 1, M, M] in <see cref="Detections.Masks"/>.
    /// </summary>
    public Detections[] Inference(Tensor features, IReadOnlyList<Tensor> proposals, IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        using var scope = NewDisposeScope();
        var (scores, deltas) = box_predictor.call(Res5Features(features, proposals).mean([2, 3]));
        var counts = proposals.Select(p => p.size(0)).ToArray();
        var imageScores = scores.split(counts);
        var imageDeltas = deltas.split(counts);
        var result = proposals.Select((p, i) => box_predictor.Inference(imageScores[i], imageDeltas[i], p, imageSizes[i])).ToArray();
        if (mask_head is not null)
        {
            // detectron2's forward_with_given_boxes: the res5 features of the detected boxes.
            var logits = mask_head.call(Res5Features(features, result.Select(d => d.Boxes).ToList()));
            result = MaskRcnnOutputs.Attach(result, MaskRcnnOutputs.Probabilities(logits, cat(result.Select(d => d.Classes).ToList(), 0)));
        }
        foreach (var d in result) scope.MoveToOuter(d.Tensors);
        return result;
    }

    private Tensor Res5Features(Tensor features, IReadOnlyList<Tensor> boxes) => res5.call(pooler.call([features], boxes));
}
