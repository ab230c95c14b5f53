using Dupr.Detection.Masks;

namespace Dupr.Detection.Data.Coco;

/// <summary>
/// Detections in the COCO results format ([{image_id, category_id, score, bbox and/or segmentation}]), held
/// column-wise so half a million of them cost a few arrays rather than objects.
/// </summary>
public sealed class CocoResults(string source)
{
    readonly List<long> _imageIds = [];
    readonly List<long> _categoryIds = [];
    readonly List<double> _scores = [];
    readonly List<BoxXywh?> _boxes = [];
    readonly List<CocoSegmentation?> _segmentations = [];

    /// <summary>Where the results came from, for messages.</summary>
    public string Source { get; } = source;

    /// <summary>Number of detections.</summary>
    public int Count => _scores.Count;

    /// <summary>Each detection's image id.</summary>
    public IReadOnlyList<long> ImageIds => _imageIds;

    /// <summary>Each detection's category id.</summary>
    public IReadOnlyList<long> CategoryIds => _categoryIds;

    /// <summary>Each detection's confidence.</summary>
    public IReadOnlyList<double> Scores => _scores;

    /// <summary>Each detection's box, or null when it has only a segmentation.</summary>
    public IReadOnlyList<BoxXywh?> Boxes => _boxes;

    /// <summary>Each detection's mask, or null when it has only a box.</summary>
    public IReadOnlyList<CocoSegmentation?> Segmentations => _segmentations;

    /// <summary>Appends a detection; it needs a box, a segmentation or both.</summary>
    public void Add(long imageId, long categoryId, double score, BoxXywh? bbox, CocoSegmentation? segmentation)
    {
        if (bbox == null && segmentation == null) throw new ArgumentException("a detection needs a bbox or a segmentation");
        _imageIds.Add(imageId);
        _categoryIds.Add(categoryId);
        _scores.Add(score);
        _boxes.Add(bbox);
        _segmentations.Add(segmentation);
    }
}
