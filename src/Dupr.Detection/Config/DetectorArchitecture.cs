namespace Dupr.Detection.Config;

/// <summary>The detectors the paper fine-tunes (sections 4.1-4.2); the config's "architecture" picks one.</summary>
public enum DetectorArchitecture
{
    /// <summary>Faster R-CNN, C4 backbone (RPN on res4, res5 box head): the VOC detector.</summary>
    FasterRcnnC4,

    /// <summary>Faster R-CNN with a feature pyramid (RPN on P2-P6, 7x7 RoIAlign, 2 FC of 1024).</summary>
    FasterRcnnFpn,

    /// <summary>Mask R-CNN, C4 backbone: the C4 box head plus a mask head on the res5 features.</summary>
    MaskRcnnC4,

    /// <summary>Mask R-CNN with a feature pyramid: the FPN box head plus a 4-conv mask head on 14x14 RoIAlign.</summary>
    MaskRcnnFpn,

    /// <summary>RetinaNet on P3-P7: dense 4-conv heads and sigmoid focal loss.</summary>
    RetinaNet,
}
