namespace Dupr.Detection.Data.Voc;

/// <summary>
/// An &lt;object&gt; of a VOC annotation: class name, flags and box in VOC's 1-based inclusive pixel coordinates
/// (xmin, ymin, xmax, ymax), as the devkit stores them.
/// </summary>
public sealed record VocObject(string Name, bool Difficult, bool Truncated, string? Pose, double XMin, double YMin, double XMax, double YMax);
