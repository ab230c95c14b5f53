namespace Dupr.Detection.Evaluation;

/// <summary>How VOC average precision integrates the precision/recall curve.</summary>
public enum VocMetric
{
    /// <summary>VOC2007's 11-point interpolated AP (detectron2 uses it for VOC2007 test).</summary>
    ElevenPoint,

    /// <summary>The area under the precision envelope (VOC2010 and later).</summary>
    Area,
}
