using Dupr.Core.Modeling;
using Dupr.Core.Ops;
using Dupr.Detection.Config;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>
/// The C4 box head (detectron2's Res5ROIHeads, with MoCo's Res5ROIHeadsExtraNorm option): RoIAlign of each proposal
/// on res4, the res5 stage (stride 2), an optional norm, mean pooling, then <see cref="FastRcnnOutputLayers"/>.
/// </summary>
public sealed class Res5RoiHeads : nn.Module
{
    // detectron2's attribute names: keys roi_heads.res5.* and roi_heads.box_predictor.*.
    private readonly RoIPooler pooler;
    private readonly Sequential res5;
    private readonly FastRcnnOutputLayers box_predictor;
    private readonly ProposalSampler sampler;

    /// <summary>A head on the <paramref name="res4"/> features of a ResNet built from <paramref name="backbone"/>.</summary>
    public Res5RoiHeads(RoiHeadsSection config, ResNetConfig backbone, FeatureSpec res4) : base(nameof(Res5RoiHeads))
    {
        var (block, blocks) = ResNetConfig.Layouts[backbone.Depth];
        long planes = backbone.Width * 8L;
        // res5 is the backbone's last stage moved here, so it takes the backbone's norm (FrozenBN when frozen, as ResNet does).
        bool frozen = backbone.FreezeAt >= Core.Modeling.ResNet.StageNames.Count;
        var norm = frozen && backbone.Norm == NormKind.BN ? NormKind.FrozenBN : backbone.Norm;
        res5 = ResNetStage.Create(block, res4.Channels, planes, blocks[3], 2, norm);
        long channels = planes * ResNetStage.Expansion(block);
        if (config.Res5ExtraNorm != NormKind.None) res5.append("norm", Norms.Create(config.Res5ExtraNorm, channels));
        pooler = new RoIPooler((config.PoolerResolution, config.PoolerResolution), [1.0 / res4.Stride], config.PoolerSamplingRatio, config.PoolerAligned);
        box_predictor = new FastRcnnOutputLayers(config, channels);
        sampler = new ProposalSampler(config);
        RegisterComponents();
        ResNetStage.InitializeWeights(res5);
        if (frozen)
            foreach (var parameter in res5.parameters()) parameter.requires_grad = false;
    }

    /// <summary>The training losses (loss_cls, loss_box_reg) of the proposals sampled from each image's <paramref name="proposals"/>.</summary>
    public Dictionary<string, Tensor> Losses(Tensor features, IReadOnlyList<Tensor> proposals, IReadOnlyList<Tensor> gtBoxes, IReadOnlyList<Tensor> gtClasses)
    {
        using var scope = NewDisposeScope();
        SampledProposals[] sampled;
        using (no_grad())
            sampled = proposals.Select((p, i) => sampler.Sample(p, gtBoxes[i], gtClasses[i])).ToArray();
        var (scores, deltas) = Predict(features, sampled.Select(s => s.Proposals).ToList());
        var all = new SampledProposals(cat(sampled.Select(s => s.Proposals).ToList(), 0), cat(sampled.Select(s => s.Classes).ToList(), 0),
                                       cat(sampled.Select(s => s.GtBoxes).ToList(), 0));
        var losses = box_predictor.Losses(scores, deltas, all);
        scope.MoveToOuter(losses.Values);
        return losses;
    }

    /// <summary>Each image's detections in the coordinates of its (unpadded) input of <paramref name="imageSizes"/>.</summary>
    public Detections[] Inference(Tensor features, IReadOnlyList<Tensor> proposals, IReadOnlyList<(int Height, int Width)> imageSizes)
    {
        using var scope = NewDisposeScope();
        var (scores, deltas) = Predict(features, proposals);
        var counts = proposals.Select(p => p.size(0)).ToArray();
        var imageScores = scores.split(counts);
        var imageDeltas = deltas.split(counts);
        var result = proposals.Select((p, i) => box_predictor.Inference(imageScores[i], imageDeltas[i], p, imageSizes[i])).ToArray();
        foreach (var d in result) scope.MoveToOuter(d.Tensors);
        return result;
    }

    private (Tensor Scores, Tensor Deltas) Predict(Tensor features, IReadOnlyList<Tensor> boxes)
    {
        var pooled = res5.call(pooler.call([features], boxes));
        return box_predictor.call(pooled.mean([2, 3]));
    }
}
