using Dupr.Core.Checkpoints;
using Dupr.Core.Modeling;
using Dupr.Detection.Config;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Modeling.RoiHeads;
using Dupr.Detection.Modeling.Rpn;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.MetaArch;

/// <summary>
/// Faster R-CNN with a C4 backbone (detectron2's GeneralizedRCNN + Res5ROIHeads): ResNet up to res4, an RPN on res4,
/// and the res5 box head. Inputs are normalised, padded batches; detections come back in original image pixels.
/// <see cref="MaskRcnnC4"/> adds the mask head.
/// </summary>
public class FasterRcnnC4 : Detector
{
    // detectron2's attribute names (backbone keys are torchvision's: backbone.conv1, backbone.layer1, ...).
    private readonly Core.Modeling.ResNet backbone;
    private readonly RegionProposalNetwork proposal_generator;
    private readonly Res5RoiHeads roi_heads;

    /// <summary>Builds the detector of <paramref name="config"/> (validated first).</summary>
    public FasterRcnnC4(DetectionConfig config) : this(nameof(FasterRcnnC4), config, masks: false)
    {
    }

    /// <summary>Builds the detector of <paramref name="config"/>, with a mask head on the res5 features when <paramref name="masks"/>.</summary>
    protected FasterRcnnC4(string name, DetectionConfig config, bool masks) : base(name, config)
    {
        var resnet = config.Backbone.ToC4Config();
        backbone = new Core.Modeling.ResNet(resnet);
        var res4 = backbone.OutputShapes["res4"];
        var anchors = new AnchorGenerator(config.Anchors.Sizes, config.Anchors.AspectRatios, [res4.Stride], config.Anchors.Offset);
        proposal_generator = new RegionProposalNetwork(config.Rpn, anchors, res4.Channels);
        roi_heads = new Res5RoiHeads(config.RoiHeads, resnet, res4, masks ? config.MaskHead : null);
        RegisterComponents();
    }

    /// <summary>The backbone (for loading pre-trained weights).</summary>
    public Core.Modeling.ResNet Backbone => backbone;

    /// <summary>stem..res4 into the backbone, res5 into the box head (as detectron2 loads C4), the classifier dropped.</summary>
    public override KeyMapper BackbonePlacement { get; } = new C4Placement();

    /// <summary>The training losses of a batch (loss_rpn_cls, loss_rpn_loc, loss_cls, loss_box_reg, and Mask R-CNN's loss_mask); call in training mode.</summary>
    public override Dictionary<string, Tensor> Losses(DetectionBatch batch)
    {
        EnsureTraining();
        using var scope = NewDisposeScope();
        var gtBoxes = batch.Samples.Select(s => s.Boxes).ToList();
        var features = backbone.call(batch.Images)["res4"];
        var rpn = proposal_generator.Forward([features], batch.ImageSizes, gtBoxes);
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
        var features = backbone.call(batch.Images)["res4"];
        var rpn = proposal_generator.Forward([features], batch.ImageSizes, null);
        var detections = roi_heads.Inference(features, rpn.Proposals, batch.ImageSizes);
        var result = detections.Select((d, i) => DetectorPostprocess.Rescale(d, batch.ImageSizes[i], batch.Samples[i].OriginalSize)).ToArray();
        foreach (var d in result) scope.MoveToOuter(d.Tensors);
        return result;
    }

    // torchvision names -> detector names.
    sealed class C4Placement : KeyMapper
    {
        const string Res5 = "layer4.";

        public override string? Map(string key) =>
            key.StartsWith("fc.", StringComparison.Ordinal) ? null
            : key.StartsWith(Res5, StringComparison.Ordinal) ? "roi_heads.res5." + key[Res5.Length..]
            : "backbone." + key;
    }
}
