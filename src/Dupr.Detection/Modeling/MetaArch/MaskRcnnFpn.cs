using Dupr.Detection.Config;

namespace Dupr.Detection.Modeling.MetaArch;

/// <summary>
/// Mask R-CNN with a feature pyramid (detectron2's StandardROIHeads with MASK_ON, the paper's main COCO detector):
/// <see cref="FasterRcnnFpn"/> plus a 4-conv mask head on RoIAlign 14x14 from P2..P5 (28x28 masks). Key mapping as
/// <see cref="FasterRcnnFpn"/>.
/// </summary>
public sealed class MaskRcnnFpn : FasterRcnnFpn
{
    /// <summary>Builds the detector of <paramref name="config"/> (validated first).</summary>
    public MaskRcnnFpn(DetectionConfig config) : base(nameof(MaskRcnnFpn), config, masks: true)
    {
    }
}
