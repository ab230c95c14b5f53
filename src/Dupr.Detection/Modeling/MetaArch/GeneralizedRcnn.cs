using Dupr.Core.Modeling;
using Dupr.Detection.Config;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Modeling.RoiHeads;
using Dupr.Detection.Modeling.Rpn;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling.MetaArch;

/// <summary>
/// detectron2's GeneralizedRCNN: a backbone of named feature maps, an RPN on the maps rpn.in_features names, and ROI
/// heads that pool from the maps roi_heads.in_features names. A two-stage detector is a subclass that only builds its
/// backbone and heads (<see cref="FasterRcnnC4"/>, <see cref="FasterRcnnFpn"/> and their Mask R-CNN forms). Inputs are
/// normalised, padded batches; detections come back in original image pixels.
/// </summary>
public abstract class GeneralizedRcnn : Detector
{
    // detectron2's attribute names: keys backbone.*, proposal_generator.rpn_head.*, roi_heads.*.
    private readonly Backbone backbone;
    private readonly RegionProposalNetwork proposal_generator;
    private readonly RoiHeadsBase roi_heads;

    /// <summary>
    /// Validates <paramref name="config"/>, then builds <paramref name="backbone"/>, the RPN on its rpn.in_features maps
    /// and <paramref name="roiHeads"/> over the backbone's output shapes, in that order (the order initialisation draws
    /// its random numbers in).
    /// </summary>
    protected GeneralizedRcnn(string name, DetectionConfig config, Func<Backbone> backbone,
                              Func<IReadOnlyDictionary<string, FeatureSpec>, RoiHeadsBase> roiHeads) : base(name, config)
    {
        this.backbone = backbone();
        var shapes = this.backbone.OutputShapes;
        var levels = config.Rpn.InFeatures.Select(f => shapes[f]).ToList();
        var anchors = new AnchorGenerator(config.Anchors.Sizes, config.Anchors.AspectRatios, levels.Select(l => l.Stride).ToList(), config.Anchors.Offset);
        proposal_generator = new RegionProposalNetwork(config.Rpn, anchors, levels[0].Channels);
        roi_heads = roiHeads(shapes);
        RegisterComponents();
    }

    protected override Dictionary<string, Tensor> ComputeLosses(DetectionBatch batch)
    {
        var features = backbone.call(batch.Images);
        var rpn = proposal_generator.Forward(RpnFeatures(features), batch.ImageSizes, batch.Samples.Select(s => s.Boxes).ToList());
        var losses = new Dictionary<string, Tensor>(rpn.Losses);
        foreach (var (name, loss) in roi_heads.Losses(features, rpn.Proposals, batch.Samples)) losses[name] = loss;
        return losses;
    }

    protected override IReadOnlyList<Detections> Detect(DetectionBatch batch)
    {
        var features = backbone.call(batch.Images);
        var rpn = proposal_generator.Forward(RpnFeatures(features), batch.ImageSizes, null);
        return roi_heads.Inference(features, rpn.Proposals, batch.ImageSizes);
    }

    private List<Tensor> RpnFeatures(OrderedDictionary<string, Tensor> features) => Config.Rpn.InFeatures.Select(f => features[f]).ToList();
}
