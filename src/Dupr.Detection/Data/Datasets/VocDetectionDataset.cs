using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Data.Voc;

namespace Dupr.Detection.Data.Datasets;

/// <summary>
/// Detection samples from a VOCdevkit: the union of one or more (year, split) image sets in the order given
/// (VOC07+12 = 2007 trainval + 2012 trainval), loaded as detectron2's load_voc_instances does.
/// </summary>
/// <remarks>
/// Following detectron2/data/datasets/pascal_voc.py: images are JPEGImages/&lt;id&gt;.jpg; boxes are the devkit's
/// 1-based inclusive pixels turned into coordinates by x1 = xmin - 1, y1 = ymin - 1, x2 = xmax, y2 = ymax;
/// "difficult" objects are kept as training instances ("We include 'difficult' samples in training. Based on
/// limited experiments, they don't hurt accuracy.") and flagged in <see cref="DetectionSample.Difficult"/>,
/// which VOC evaluation ignores. An image's id is its index in the union.
/// </remarks>
public sealed class VocDetectionDataset : IDataset<DetectionSample>
{
    readonly DetectionAugmentation _augmentation;

    /// <summary>Class names; a class's index is its contiguous id.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The images this dataset serves, in order, with their instances.</summary>
    public IReadOnlyList<DetectionRecord> Records { get; }

    public int Count => Records.Count;

    /// <summary>
    /// Reads the image sets <paramref name="sets"/> of the VOCdevkit folder <paramref name="devkit"/>; classes are
    /// <paramref name="classNames"/> (default: the 20 VOC classes), and an object of another class is an error.
    /// </summary>
    public VocDetectionDataset(string devkit, IReadOnlyList<(string Year, string Split)> sets, DetectionAugmentation augmentation,
        DetectionDatasetOptions? options = null, IReadOnlyList<string>? classNames = null)
    {
        if (sets.Count == 0) throw new ArgumentException("need at least one (year, split) image set", nameof(sets));
        _augmentation = augmentation;
        ClassNames = classNames ?? VocClasses.Names;
        var classIndex = ClassNames.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => (long)c.i, StringComparer.Ordinal);
        var records = new List<DetectionRecord>();
        foreach (var (year, split) in sets)
        {
            VocDevkit kit = VocDevkit.Open(devkit, year);
            foreach (VocAnnotation annotation in kit.ReadAnnotations(split))
                records.Add(Record(kit, annotation, records.Count, classIndex));
        }
        string source = $"{devkit} ({string.Join(" + ", sets.Select(s => $"VOC{s.Year} {s.Split}"))})";
        Records = (options ?? DetectionDatasetOptions.Training).Filter(records, source);
    }

    public DetectionSample Get(int index, SampleRng rng) => Records[index].Load(_augmentation, rng);

    DetectionRecord Record(VocDevkit kit, VocAnnotation annotation, int index, Dictionary<string, long> classIndex)
    {
        var boxes = new float[4 * annotation.Objects.Count];
        var classes = new long[annotation.Objects.Count];
        for (int i = 0; i < classes.Length; i++)
        {
            VocObject o = annotation.Objects[i];
            if (!classIndex.TryGetValue(o.Name, out classes[i]))
                throw new DuprException($"{kit.AnnotationPath(annotation.ImageId)}: object {i}: class \"{o.Name}\" is not one of {string.Join(", ", ClassNames)}");
            (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]) = ((float)(o.XMin - 1), (float)(o.YMin - 1), (float)o.XMax, (float)o.YMax);
        }
        return new DetectionRecord
        {
            FilePath = Path.Combine(kit.Root, "JPEGImages", annotation.ImageId + ".jpg"),
            ImageId = index,
            Height = annotation.Height,
            Width = annotation.Width,
            Boxes = boxes,
            Classes = classes,
            Difficult = annotation.Objects.Select(o => o.Difficult).ToArray(),
        };
    }
}
