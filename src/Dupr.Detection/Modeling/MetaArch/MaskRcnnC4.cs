using Dupr.Detection.Config;

namespace Dupr.Detection.Modeling.MetaArch;

/// <summary>
/// Mask R-CNN with a C4 backbone (detectron2's Res5ROIHeads with MASK_ON, MoCo's COCO C4 recipe): <see cref="FasterRcnnC4"/>
/// plus a mask head on the res5 features of the boxes (mask_head.num_conv 0 in the recipes: the deconvolution directly,
/// 2 x roi_heads.pooler_resolution / 2 masks). Key mapping as <see cref="FasterRcnnC4"/>.
/// </summary>
public sealed class MaskRcnnC4 : FasterRcnnC4
{
    /// <summary>Builds the detector of <paramref name="config"/> (validated first).</summary>
    public MaskRcnnC4(DetectionConfig config) : base(nameof(MaskRcnnC4), config, masks: true)
    {
    }
}
