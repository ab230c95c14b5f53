using Dupr.Core.Checkpoints;
using Dupr.Detection.Config;
using Dupr.Detection.Modeling.RoiHeads;

namespace Dupr.Detection.Modeling.MetaArch;

/// <summary>
/// Faster R-CNN with a C4 backbone (detectron2's GeneralizedRCNN + Res5ROIHeads): ResNet up to res4, an RPN on res4,
/// and the res5 box head. <see cref="MaskRcnnC4"/> adds the mask head.
/// </summary>
public class FasterRcnnC4 : GeneralizedRcnn
{
    /// <summary>Builds the detector of <paramref name="config"/> (validated first).</summary>
    public FasterRcnnC4(DetectionConfig config) : this(nameof(FasterRcnnC4), config, masks: false)
    {
    }

    /// <summary>Builds the detector of <paramref name="config"/>, with a mask head on the res5 features when <paramref name="masks"/>.</summary>
    protected FasterRcnnC4(string name, DetectionConfig config, bool masks)
        : base(name, config, () => new Core.Modeling.ResNet(config.Backbone.ToC4Config()),
               shapes => new Res5RoiHeads(config.RoiHeads, config.Backbone.ToC4Config(), shapes, masks ? config.MaskHead : null))
    {
    }

    /// <summary>stem..res4 into the backbone, res5 into the box head (as detectron2 loads C4), the classifier dropped.</summary>
    public override KeyMapper BackbonePlacement => BackbonePlacements.C4;
}
