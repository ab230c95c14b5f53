namespace Dupr.Detection.Data.Voc;

/// <summary>The 20 Pascal VOC classes in the devkit's (and detectron2's) order.</summary>
public static class VocClasses
{
    /// <summary>Class names; a class's index is its contiguous id.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ];
}
