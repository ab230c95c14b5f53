using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Data.Transforms;

namespace Dupr.Detection.Data.Datasets;

/// <summary>
/// Detection samples from a COCO (or LVIS) instances file and its image folder, loaded as detectron2's
/// load_coco_json and DatasetMapper do: images in ascending id order, boxes xywh -> xyxy, contiguous class ids
/// (ascending category id), polygon masks kept as polygons, crowd regions left out of the training instances.
/// An image without "file_name" (LVIS) is found by its "coco_url" as detectron2's load_lvis_json does.
/// </summary>
/// <remarks>
/// detectron2 drops a polygon with fewer than 3 points or an odd number of coordinates, and an instance whose
/// polygons are all dropped. Masks are polygons: when any training instance has none (no segmentation, or a
/// non-crowd RLE) the dataset is box-only and every sample's <see cref="DetectionSample.Polygons"/> is null.
/// </remarks>
public sealed class CocoDetectionDataset : IDataset<DetectionSample>
{
    readonly DetectionAugmentation _augmentation;

    /// <summary>The instances file as read.</summary>
    public CocoDataset Coco { get; }

    /// <summary>Category names in contiguous id order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The images this dataset serves, in order, with their training instances.</summary>
    public IReadOnlyList<DetectionRecord> Records { get; }

    /// <summary>Whether samples carry polygon masks.</summary>
    public bool HasMasks { get; }

    public int Count => Records.Count;

    /// <summary>Reads <paramref name="annotationFile"/> (images under <paramref name="imageRoot"/>).</summary>
    public CocoDetectionDataset(string annotationFile, string imageRoot, DetectionAugmentation augmentation, DetectionDatasetOptions? options = null)
        : this(CocoReader.Read(annotationFile), imageRoot, augmentation, options)
    {
    }

    /// <summary>Serves <paramref name="coco"/> (images under <paramref name="imageRoot"/>).</summary>
    public CocoDetectionDataset(CocoDataset coco, string imageRoot, DetectionAugmentation augmentation, DetectionDatasetOptions? options = null)
    {
        Coco = coco;
        _augmentation = augmentation;
        ClassNames = Enumerable.Range(0, coco.CategoryCount).Select(c => coco.FindCategory(coco.FromContiguousId(c))!.Name).ToArray();
        ILookup<long, CocoAnnotation> byImage = coco.Annotations.ToLookup(a => a.ImageId);
        var instances = coco.Images.OrderBy(i => i.Id).Select(image => (Image: image, Kept: Instances(byImage[image.Id]))).ToList();
        int withoutValidPolygons = instances.Sum(i => i.Kept.Dropped);
        if (withoutValidPolygons > 0)
            Log.Warn($"{coco.Source}: left out {withoutValidPolygons} instance(s) whose polygons all have fewer than 3 points (as detectron2 does)");
        HasMasks = instances.All(i => i.Kept.Annotations.All(a => a.Polygons != null));
        var records = instances.Select(i => Record(i.Image, i.Kept.Annotations, imageRoot)).ToList();
        Records = (options ?? DetectionDatasetOptions.Training).Filter(records, coco.Source);
    }

    public DetectionSample Get(int index, SampleRng rng) => Records[index].Load(_augmentation, rng);

    // The training instances of one image: crowd regions out (DatasetMapper keeps iscrowd == 0 only), and
    // instances whose polygons are all unusable out (load_coco_json).
    (List<(CocoAnnotation Annotation, InstancePolygons? Polygons)> Annotations, int Dropped) Instances(IEnumerable<CocoAnnotation> annotations)
    {
        var kept = new List<(CocoAnnotation, InstancePolygons?)>();
        int dropped = 0;
        foreach (CocoAnnotation a in annotations)
        {
            if (a.IsCrowd) continue;
            if (a.Bbox is null) throw new DuprException($"{Coco.Source}: annotation {a.Id} (image {a.ImageId}) has no \"bbox\"");
            if (a.Segmentation is CocoPolygons { Polygons.Count: > 0 } polygons)
            {
                double[][] rings = polygons.Polygons.Where(p => p.Length % 2 == 0 && p.Length >= 6).ToArray();
                if (rings.Length == 0)
                {
                    dropped++;
                    continue;
                }
                kept.Add((a, new InstancePolygons(rings)));
            }
            else kept.Add((a, null));
        }
        return (kept, dropped);
    }

    // LVIS files name images by "coco_url" only; detectron2's load_lvis_json takes its last two parts
    // (e.g. train2017/000000155379.jpg) under the image root.
    string RelativePath(CocoImage image)
    {
        if (image.FileName is { } name) return name;
        string[] parts = image.CocoUrl?.Split('/') ?? [];
        if (parts.Length < 2) throw new DuprException($"{Coco.Source}: image {image.Id} has neither \"file_name\" nor a \"coco_url\" ending in <folder>/<file>");
        return Path.Combine(parts[^2], parts[^1]);
    }

    DetectionRecord Record(CocoImage image, List<(CocoAnnotation Annotation, InstancePolygons? Polygons)> instances, string imageRoot)
    {
        var boxes = new float[4 * instances.Count];
        for (int i = 0; i < instances.Count; i++)
        {
            var box = instances[i].Annotation.Bbox!.Value;
            (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]) = ((float)box.X, (float)box.Y, (float)(box.X + box.W), (float)(box.Y + box.H));
        }
        return new DetectionRecord
        {
            FilePath = Path.Combine(imageRoot, RelativePath(image)),
            ImageId = image.Id,
            Height = image.Height,
            Width = image.Width,
            Boxes = boxes,
            Classes = instances.Select(i => (long)Coco.ToContiguousId(i.Annotation.CategoryId)).ToArray(),
            Polygons = HasMasks ? instances.Select(i => i.Polygons!).ToArray() : null,
        };
    }
}
