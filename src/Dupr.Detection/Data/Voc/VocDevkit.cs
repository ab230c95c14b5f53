using Dupr.Core.Runtime;

namespace Dupr.Detection.Data.Voc;

/// <summary>
/// A VOC year folder (VOCdevkit/VOC2007): where its annotations and image sets live, and reading a split's image
/// ids (ImageSets/Main/&lt;split&gt;.txt) and annotations.
/// </summary>
public sealed class VocDevkit
{
    /// <summary>The year folder, e.g. VOCdevkit/VOC2007.</summary>
    public string Root { get; }

    /// <summary>The year, e.g. "2007".</summary>
    public string Year { get; }

    VocDevkit(string root, string year)
    {
        Root = root;
        Year = year;
    }

    /// <summary>Finds the year folder: <paramref name="path"/>/VOC&lt;year&gt; (a VOCdevkit folder) or <paramref name="path"/> itself.</summary>
    public static VocDevkit Open(string path, string year)
    {
        string nested = Path.Combine(path, $"VOC{year}");
        if (Directory.Exists(Path.Combine(nested, "Annotations"))) return new VocDevkit(nested, year);
        if (Directory.Exists(Path.Combine(path, "Annotations"))) return new VocDevkit(path, year);
        throw new DuprException($"{path}: not a VOC devkit: neither {nested}/Annotations nor {path}/Annotations exists");
    }

    /// <summary>Path of image <paramref name="imageId"/>'s annotation XML.</summary>
    public string AnnotationPath(string imageId) => Path.Combine(Root, "Annotations", imageId + ".xml");

    /// <summary>Path of split <paramref name="split"/>'s image list.</summary>
    public string ImageSetPath(string split) => Path.Combine(Root, "ImageSets", "Main", split + ".txt");

    /// <summary>The image ids of <paramref name="split"/>, in file order (blank lines skipped).</summary>
    public IReadOnlyList<string> ReadImageSet(string split)
    {
        string path = ImageSetPath(split);
        if (!File.Exists(path)) throw new DuprException($"{path}: image set not found");
        return File.ReadLines(path).Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
    }

    /// <summary>The annotations of <paramref name="split"/>'s images, in image-set order.</summary>
    public IReadOnlyList<VocAnnotation> ReadAnnotations(string split)
    {
        IReadOnlyList<string> ids = ReadImageSet(split);
        var annotations = new VocAnnotation[ids.Count];
        ParallelLoop.For(0, ids.Count, new ParallelOptions(), i => annotations[i] = VocAnnotationReader.Read(AnnotationPath(ids[i])));
        return annotations;
    }
}
