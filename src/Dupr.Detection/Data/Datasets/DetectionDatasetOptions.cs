using Dupr.Core.Runtime;

namespace Dupr.Detection.Data.Datasets;

/// <summary>Which images a COCO or VOC detection dataset keeps.</summary>
public sealed record DetectionDatasetOptions
{
    /// <summary>
    /// Leave out images without a training instance (none, or only crowd regions), as detectron2's
    /// DATALOADER.FILTER_EMPTY_ANNOTATIONS does for training; turn off for evaluation sets.
    /// </summary>
    public bool FilterEmpty { get; init; } = true;

    /// <summary>Training defaults (empty images filtered).</summary>
    public static DetectionDatasetOptions Training { get; } = new();

    /// <summary>Evaluation defaults: every image kept.</summary>
    public static DetectionDatasetOptions Evaluation { get; } = new() { FilterEmpty = false };

    /// <summary>The records these options keep, in order; says how many were left out and why.</summary>
    internal IReadOnlyList<DetectionRecord> Filter(IReadOnlyList<DetectionRecord> records, string source)
    {
        if (!FilterEmpty) return records;
        DetectionRecord[] kept = records.Where(r => r.Count > 0).ToArray();
        if (kept.Length < records.Count)
            Log.Info($"{source}: left out {records.Count - kept.Length} image(s) without training instances; {kept.Length} left");
        return kept;
    }
}
