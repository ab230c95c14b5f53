using Dupr.Core.Modeling;
using Dupr.Core.Ops;
using Dupr.Detection.Config;
using TorchSharp.Modules;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.RoiHeads;

/// <summary>
/// The C4 box head (detectron2's Res5ROIHeads, with MoCo's Res5ROIHeadsExtraNorm option): RoIAlign of each proposal
/// on the roi_heads.in_features map (res4), the res5 stage (stride 2), an optional norm, mean pooling, then
/// <see cref="FastRcnnOutputLayers"/>. With a mask head (Mask R-CNN C4), the res5 features of the foreground proposals
/// (training) or of the detected boxes (inference) also go through a <see cref="MaskRcnnConvUpsampleHead"/>.
/// </summary>
public sealed class Res5RoiHeads : RoiHeadsBase
{
    // detectron2's attribute names: keys roi_heads.res5.*, roi_heads.box_predictor.* and roi_heads.mask_head.*.
    private readonly RoIPooler pooler;
    private readonly Sequential res5;
    private readonly FastRcnnOutputLayers box_predictor;
    private readonly MaskRcnnConvUpsampleHead? mask_head;
    private readonly string inFeature;

    /// <summary>
    /// A head on the roi_heads.in_features map of <paramref name="levels"/> (the res4 of a ResNet built from
    /// <paramref name="backbone"/>); with <paramref name="maskHead"/>, a mask head on its res5 features too.
    /// </summary>
    public Res5RoiHeads(RoiHeadsSection config, ResNetConfig backbone, IReadOnlyDictionary<string, FeatureSpec> levels, MaskHeadSection? maskHead = null)
        : base(nameof(Res5RoiHeads), config)
    {
        inFeature = config.InFeatures.Single();
        var input = levels[inFeature];
        var (block, blocks) = ResNetConfig.Layouts[backbone.Depth];
        long planes = backbone.Width * 8L;
        // res5 is the backbone's last stage moved here, so it takes the backbone's norm (FrozenBN when frozen, as ResNet does).
        bool frozen = backbone.FreezeAt >= Core.Modeling.ResNet.StageNames.Count;
        var norm = frozen && backbone.Norm is NormKind.BN or NormKind.SyncBN ? NormKind.FrozenBN : backbone.Norm;
        res5 = ResNetStage.Create(block, input.Channels, planes, blocks[3], 2, norm);
        long channels = planes * ResNetStage.Expansion(block);
        if (config.Res5ExtraNorm != NormKind.None) res5.append("norm", Norms.Create(config.Res5ExtraNorm, channels));
        pooler = new RoIPooler((config.PoolerResolution, config.PoolerResolution), [1.0 / input.Stride], config.PoolerSamplingRatio, config.PoolerAligned);
        box_predictor = new FastRcnnOutputLayers(config, channels);
        if (maskHead is not null) mask_head = new MaskRcnnConvUpsampleHead(maskHead, channels, config.NumClasses);
        RegisterComponents();
        ResNetStage.InitializeWeights(res5);
        if (frozen)
            foreach (var parameter in res5.parameters()) parameter.requires_grad = false;
    }

    protected override FastRcnnOutputLayers BoxPredictor => box_predictor;

    protected override MaskRcnnConvUpsampleHead? MaskHead => mask_head;

    protected override Tensor PoolBoxes(IReadOnlyDictionary<string, Tensor> features, IReadOnlyList<Tensor> boxes) =>
        res5.call(pooler.call([features[inFeature]], boxes));

    protected override Tensor BoxHead(Tensor pooled) => pooled.mean([2, 3]);

    // detectron2's forward_with_given_boxes: the res5 features of the detected boxes.
    protected override Tensor MaskInput(IReadOnlyDictionary<string, Tensor> features, IReadOnlyList<Tensor> boxes) => PoolBoxes(features, boxes);

    // The foreground proposals' res5 features are already computed: their rows of the box features.
    protected override Tensor TrainingMaskInput(IReadOnlyDictionary<string, Tensor> features, IReadOnlyList<SampledProposals> foreground,
                                                SampledProposals sampled, Tensor pooled) =>
        pooled[sampled.IsForeground(NumClasses)];
}
