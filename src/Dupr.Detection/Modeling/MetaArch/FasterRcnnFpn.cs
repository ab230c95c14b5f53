using Dupr.Core.Checkpoints;
using Dupr.Core.Modeling;
using Dupr.Detection.Config;
using Dupr.Detection.Modeling.RoiHeads;

namespace Dupr.Detection.Modeling.MetaArch;

/// <summary>
/// Faster R-CNN with a feature pyramid (detectron2's GeneralizedRCNN + build_resnet_fpn_backbone + StandardROIHeads):
/// ResNet res2..res5 under an FPN, an RPN on P2..P6, and the 2fc box head on RoIAlign 7x7 from P2..P5.
/// <see cref="MaskRcnnFpn"/> adds the mask head.
/// </summary>
public class FasterRcnnFpn : GeneralizedRcnn
{
    /// <summary>Builds the detector of <paramref name="config"/> (validated first).</summary>
    public FasterRcnnFpn(DetectionConfig config) : this(nameof(FasterRcnnFpn), config, masks: false)
    {
    }

    /// <summary>Builds the detector of <paramref name="config"/>, with a mask head when <paramref name="masks"/>.</summary>
    protected FasterRcnnFpn(string name, DetectionConfig config, bool masks)
        : base(name, config, () => new Fpn(new Core.Modeling.ResNet(config.Backbone.ToFpnConfig(config.Fpn.InFeatures)), config.Fpn.ToFpnConfig()),
               shapes => new StandardRoiHeads(config, shapes, masks))
    {
    }

    /// <summary>The ResNet (stem..res5) under backbone.bottom_up, the classifier dropped; the FPN and heads keep their initialisation.</summary>
    public override KeyMapper BackbonePlacement => BackbonePlacements.BottomUp;
}
