namespace Dupr.Detection.Data.Voc;

/// <summary>One detection of a VOC results file: image id, score, box in VOC's 1-based pixel coordinates, and its line in the file.</summary>
public readonly record struct VocDetection(string ImageId, double Score, double XMin, double YMin, double XMax, double YMax, int Line);

/// <summary>Detections per class, as the standard results files comp4_det_test_&lt;class&gt;.txt hold them.</summary>
public sealed class VocDetections(IReadOnlyDictionary<string, IReadOnlyList<VocDetection>> byClass, string source)
{
    /// <summary>Where the detections came from (the results folder), for messages.</summary>
    public string Source { get; } = source;

    /// <summary>Detections of <paramref name="className"/> in file order (empty when none).</summary>
    public IReadOnlyList<VocDetection> this[string className] => byClass.TryGetValue(className, out var list) ? list : [];

    /// <summary>"file:line" of a detection of <paramref name="className"/>, for messages.</summary>
    public string Locate(string className, VocDetection detection) => $"{Path.Combine(Source, VocResultsReader.FileName(className))}:{detection.Line}";
}
