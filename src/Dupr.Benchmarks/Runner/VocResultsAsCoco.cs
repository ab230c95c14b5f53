using Dupr.Core.Runtime;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Masks;

namespace Dupr.Benchmarks.Runner;

/// <summary>
/// VOC results files as COCO results for the same images (matched by file name) and classes (matched by name), so one
/// inference is scored by both evaluators. Coordinates keep the files' 0.1 px precision.
/// </summary>
public static class VocResultsAsCoco
{
    /// <summary>The detections of <paramref name="classNames"/> with <paramref name="groundTruth"/>'s image and category ids.</summary>
    public static CocoResults Convert(VocDetections detections, IReadOnlyList<string> classNames, CocoDataset groundTruth)
    {
        var images = new Dictionary<string, long>();
        foreach (CocoImage image in groundTruth.Images)
            if (image.FileName is string file) images[Path.GetFileNameWithoutExtension(file)] = image.Id;
        var results = new CocoResults(detections.Source);
        foreach (string name in classNames)
        {
            CocoCategory category = groundTruth.Categories.FirstOrDefault(c => c.Name == name)
                ?? throw new DuprException($"{groundTruth.Source}: no category named '{name}' (categories: {string.Join(", ", groundTruth.Categories.Select(c => c.Name))})");
            foreach (VocDetection d in detections[name])
            {
                if (!images.TryGetValue(d.ImageId, out long id))
                    throw new DuprException($"{detections.Locate(name, d)}: image '{d.ImageId}' is not in {groundTruth.Source}");
                // detectron2 writes xmin + 1 and ymin + 1 (VOC's 1-based pixels) and xmax, ymax as they are: undo the + 1.
                double x = d.XMin - 1, y = d.YMin - 1;
                results.Add(id, category.Id, d.Score, new BoxXywh(x, y, d.XMax - x, d.YMax - y), segmentation: null);
            }
        }
        return results;
    }
}
