using Dupr.Core.Checkpoints;
using Dupr.Core.Modeling;
using Dupr.Detection.Config;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Modeling.RoiHeads;
using Dupr.Detection.Modeling.Rpn;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.MetaArch;

/// <summary>
/// Faster R-CNN with a feature pyramid (detectron2's GeneralizedRCNN + build_resnet_fpn_backbone + StandardROIHeads):
/// ResNet res2..res5 under an FPN, an RPN on P2..P6, and the 2fc box head on RoIAlign 7x7 from P2..P5. Inputs are
/// normalised, padded batches; detections come back in original image pixels. <see cref="MaskRcnnFpn"/> adds the mask head.
/// </summary>
public class FasterRcnnFpn : Detector
{
    // detectron2's attribute names (backbone keys: backbone.bottom_up.conv1, backbone.fpn_lateral2, ...).
    private readonly Fpn backbone;
    private readonly RegionProposalNetwork proposal_generator;
    private readonly StandardRoiHeads roi_heads;

    /// <summary>Builds the detector of <paramref name="config"/> (validated first).</summary>
    public FasterRcnnFpn(DetectionConfig config) : this(nameof(FasterRcnnFpn), config, masks: false)
    {
    }

    /// <summary>Builds the detector of <paramref name="config"/>, with a mask head when <paramref name="masks"/>.</summary>
    protected FasterRcnnFpn(string name, DetectionConfig config, bool masks) : base(name, config)
    {
        var bottomUp = new Core.Modeling.ResNet(config.Backbone.ToFpnConfig(config.Fpn.InFeatures));
        backbone = new Fpn(bottomUp, config.Fpn.ToFpnConfig());
        var levels = backbone.OutputShapes;
        var rpnLevels = config.Rpn.InFeatures.Select(f => levels[f]).ToList();
        var anchors = new AnchorGenerator(config.Anchors.Sizes, config.Anchors.AspectRatios, rpnLevels.Select(l => l.Stride).ToList(), config.Anchors.Offset);
        proposal_generator = new RegionProposalNetwork(config.Rpn, anchors, rpnLevels[0].Channels);
        roi_heads = new StandardRoiHeads(config, levels, masks);
        RegisterComponents();
    }

    /// <summary>The backbone: the FPN over its bottom-up ResNet.</summary>
    public Fpn Backbone => backbone;

    /// <summary>The ROI heads (box head, and the mask head of Mask R-CNN).</summary>
    public StandardRoiHeads RoiHeads => roi_heads;

    /// <summary>The ResNet (stem..res5) under backbone.bottom_up, the classifier dropped; the FPN and heads keep their initialisation.</summary>
    public override KeyMapper BackbonePlacement { get; } = new BottomUpPlacement();

    /// <summary>The training losses of a batch (loss_rpn_cls, loss_rpn_loc, loss_cls, loss_box_reg, and Mask R-CNN's loss_mask); call in training mode.</summary>
    public override Dictionary<string, Tensor> Losses(DetectionBatch batch)
    {
        EnsureTraining();
        using var scope = NewDisposeScope();
        var features = backbone.call(batch.Images);
        var rpn = proposal_generator.Forward(RpnLevels(features), batch.ImageSizes, batch.Samples.Select(s => s.Boxes).ToList());
        var losses = new Dictionary<string, Tensor>(rpn.Losses);
        foreach (var (name, loss) in roi_heads.Losses(features, rpn.Proposals, batch.Samples)) losses[name] = loss;
        scope.MoveToOuter(losses.Values);
        return losses;
    }

    /// <summary>
    /// Each image's detections in its original pixels (<see cref="Data.DetectionSample.OriginalSize"/>), with Mask R-CNN's
    /// masks pasted as [K, H, W] uint8; call in eval mode.
    /// </summary>
    public override Detections[] Inference(DetectionBatch batch)
    {
        EnsureEval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var features = backbone.call(batch.Images);
        var rpn = proposal_generator.Forward(RpnLevels(features), batch.ImageSizes, null);
        var detections = roi_heads.Inference(features, rpn.Proposals, batch.ImageSizes);
        var result = detections.Select((d, i) => DetectorPostprocess.Rescale(d, batch.ImageSizes[i], batch.Samples[i].OriginalSize)).ToArray();
        foreach (var d in result) scope.MoveToOuter(d.Tensors);
        return result;
    }

    private List<Tensor> RpnLevels(OrderedDictionary<string, Tensor> features) => Config.Rpn.InFeatures.Select(f => features[f]).ToList();

    // torchvision names -> detector names.
    sealed class BottomUpPlacement : KeyMapper
    {
        public override string? Map(string key) => key.StartsWith("fc.", StringComparison.Ordinal) ? null : "backbone.bottom_up." + key;
    }
}
