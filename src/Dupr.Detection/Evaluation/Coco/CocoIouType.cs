namespace Dupr.Detection.Evaluation.Coco;

/// <summary>What COCOeval compares: boxes or instance masks.</summary>
public enum CocoIouType
{
    /// <summary>Box IoU ("bbox").</summary>
    Bbox,

    /// <summary>Mask IoU on RLE masks ("segm").</summary>
    Segm,
}
