namespace Dupr.Detection.Evaluation.Voc;

/// <summary>How VOC average precision integrates the precision/recall curve.</summary>
public enum VocMetric
{
    /// <summary>VOC2007's 11-point interpolated AP (detectron2 uses it for VOC2007 test).</summary>
    ElevenPoint,

    /// <summary>The area under the precision envelope (VOC2010 and later).</summary>
    Area,
}

/// <summary>Which <see cref="VocMetric"/> a VOC evaluation uses.</summary>
public static class VocMetrics
{
    /// <summary>detectron2's rule: 11-point AP when every set is VOC2007, the area otherwise.</summary>
    public static VocMetric ForYears(IEnumerable<string> years) => years.All(y => y == "2007") ? VocMetric.ElevenPoint : VocMetric.Area;

    /// <summary>The metric named "07" or "area", or the rule's for <paramref name="year"/> when <paramref name="name"/> is null; null for any other name.</summary>
    public static VocMetric? Parse(string? name, string year) => name switch
    {
        null => ForYears([year]),
        "07" => VocMetric.ElevenPoint,
        "area" => VocMetric.Area,
        _ => null,
    };
}
