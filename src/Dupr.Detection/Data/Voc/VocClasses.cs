using Dupr.Core.Runtime;

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

    /// <summary>Throws <see cref="DuprException"/> naming <paramref name="key"/> when a class repeats: it would count twice in the mean AP.</summary>
    public static void EnsureDistinct(IReadOnlyList<string> names, string key)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names)
            if (!seen.Add(name)) throw new DuprException($"{key}: class '{name}' is listed twice");
    }
}
