using System.Security.Cryptography;
using System.Xml;
using System.Xml.Linq;
using Dupr.Core.Runtime;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Masks;
using Newtonsoft.Json;

namespace Dupr.Benchmarks.Synthetic;

/// <summary>
/// Generates the synthetic world on disk in the layouts users' datasets have: COCO JSON with boxes
/// and polygon masks, a VOCdevkit (VOC2007) with the same boxes, and a folder of unlabeled images.
/// </summary>
public static class SyntheticWorld
{
    /// <summary>The manifest written last: options and a checksum of every file. Its presence marks a finished world.</summary>
    public const string ManifestName = "world.json";

    /// <summary>What a generation produced.</summary>
    public sealed record Summary(string Root, int Images, int Objects, int Difficult, string Checksum, bool Reused);

    sealed record Manifest(SyntheticWorldOptions Options, int Images, int Objects, int Difficult, string Checksum);

    enum Split { Train = 1, Val = 2, Unlabeled = 3 }

    /// <summary>Writes the world under <paramref name="root"/>; a finished world with the same options is reused.</summary>
    public static Summary Generate(SyntheticWorldOptions options, string root, bool force = false)
    {
        options.Validate();
        root = Path.GetFullPath(root);
        string manifestPath = Path.Combine(root, ManifestName);
        if (File.Exists(manifestPath) && !force)
        {
            var existing = ReadManifest(manifestPath);
            if (existing.Options == options)
                return new Summary(root, existing.Images, existing.Objects, existing.Difficult, existing.Checksum, Reused: true);
            throw new DuprException($"{root}: holds a synthetic world made with other options ({manifestPath}); use --force to replace it");
        }
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any() && !force)
            throw new DuprException($"{root}: directory is not empty; choose a new --out or use --force to replace it");
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);

        string coco = Path.Combine(root, "coco"), voc = Path.Combine(root, "VOCdevkit", "VOC2007"), unlabeled = Path.Combine(root, "unlabeled");
        foreach (string dir in new[] { Path.Combine(coco, "train"), Path.Combine(coco, "val"), Path.Combine(coco, "annotations"),
                     Path.Combine(voc, "JPEGImages"), Path.Combine(voc, "Annotations"), Path.Combine(voc, "ImageSets", "Main"), unlabeled })
            Directory.CreateDirectory(dir);

        int total = options.Train + options.Val + options.Unlabeled;
        var progress = new Progress("synth", total, "img");
        int done = 0;
        var train = RenderSplit(options, Split.Train, options.Train, 0, id => [Path.Combine(coco, "train", $"{id:D6}.jpg"), Path.Combine(voc, "JPEGImages", $"{id:D6}.jpg")], progress, ref done);
        var val = RenderSplit(options, Split.Val, options.Val, options.Train, id => [Path.Combine(coco, "val", $"{id:D6}.jpg"), Path.Combine(voc, "JPEGImages", $"{id:D6}.jpg")], progress, ref done);
        RenderSplit(options, Split.Unlabeled, options.Unlabeled, 0, id => [Path.Combine(unlabeled, $"{id:D6}.jpg")], progress, ref done);

        var classes = Enumerable.Range(0, options.Classes).Select(ShapeCatalog.Name).ToList();
        WriteCoco(Path.Combine(coco, "annotations", "instances_train.json"), train, classes);
        WriteCoco(Path.Combine(coco, "annotations", "instances_val.json"), val, classes);
        WriteVoc(voc, train, val, classes);

        var all = train.Concat(val).SelectMany(s => s.Scene.Objects).ToList();
        File.WriteAllText(Path.Combine(root, "README.md"), DescribeWorld(options, classes, all.Count, all.Count(o => o.Difficult)));
        string checksum = Checksum(root);
        var manifest = new Manifest(options, total, all.Count, all.Count(o => o.Difficult), checksum);
        AtomicFile.WriteAllText(manifestPath, JsonConvert.SerializeObject(manifest, Newtonsoft.Json.Formatting.Indented) + "\n");
        return new Summary(root, total, manifest.Objects, manifest.Difficult, checksum, Reused: false);
    }

    /// <summary>SHA-256 over every file's relative path and bytes, in ordinal path order (the manifest excluded).</summary>
    public static string Checksum(string root)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
                     .Where(f => f != ManifestName)
                     .OrderBy(f => f, StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(file + "\n"));
            sha.AppendData(File.ReadAllBytes(Path.Combine(root, file)));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    static Manifest ReadManifest(string path)
    {
        try
        {
            return JsonConvert.DeserializeObject<Manifest>(File.ReadAllText(path)) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new DuprException($"{path}: unreadable synthetic-world manifest ({e.Message}); use --force to regenerate");
        }
    }

    // Each image has its own generator seeded from (seed, split, index), so images can be made in
    // parallel and the output does not depend on thread scheduling.
    static List<(int Id, Scene Scene)> RenderSplit(SyntheticWorldOptions options, Split split, int count, int idOffset,
        Func<int, string[]> targets, Progress progress, ref int done)
    {
        var scenes = new (int, Scene)[count];
        int finished = done;
        Parallel.For(0, count, i =>
        {
            var rng = new Random(ImageSeed(options.Seed, split, i));
            var layout = split == Split.Unlabeled ? options.UnlabeledLayout : UnlabeledLayout.Scenes;
            Scene scene = layout == UnlabeledLayout.Scenes
                ? SceneLayout.Create(rng, options.Size, options.Classes)
                : SceneLayout.CreateObjectCentric(rng, options.Size, options.Classes);
            byte[] jpeg = SceneRenderer.RenderJpeg(scene, rng, plainBackground: layout == UnlabeledLayout.PlainObjects);
            int id = idOffset + i + 1;
            foreach (string target in targets(id)) File.WriteAllBytes(target, jpeg);
            scenes[i] = (id, scene);
            progress.Report(Interlocked.Increment(ref finished));
        });
        done = finished;
        return scenes.ToList();
    }

    static int ImageSeed(long seed, Split split, int index)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)split * 0xBF58476D1CE4E5B9UL + (ulong)index * 0x94D049BB133111EBUL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    // Written through the project's COCO writer, so the files are what CocoReader and pycocotools read.
    static void WriteCoco(string path, List<(int Id, Scene Scene)> images, List<string> classes)
    {
        var cocoImages = images.Select(i => new CocoImage(i.Id, i.Scene.Width, i.Scene.Height, $"{i.Id:D6}.jpg")).ToList();
        var categories = classes.Select((name, c) => new CocoCategory(c + 1, name, "shape")).ToList();
        var annotations = new List<CocoAnnotation>();
        foreach (var (id, scene) in images)
        foreach (SceneObject obj in scene.Objects)
        {
            var box = new BoxXywh(Math.Round(obj.Box.X1, 2), Math.Round(obj.Box.Y1, 2),
                Math.Round(obj.Box.X2 - obj.Box.X1, 2), Math.Round(obj.Box.Y2 - obj.Box.Y1, 2));
            double[] polygon = obj.Polygon.SelectMany(p => new[] { Math.Round(p.X, 2), Math.Round(p.Y, 2) }).ToArray();
            annotations.Add(new CocoAnnotation(annotations.Count + 1, id, obj.ClassIndex + 1, box, Math.Round(obj.Area, 2),
                IsCrowd: false, new CocoPolygons([polygon])));
        }
        CocoWriter.Write(new CocoDataset(path, cocoImages, categories, annotations), path);
    }

    // VOC2007: trainval/train = the COCO train split, test = the COCO val split. Boxes use VOC's
    // 1-based inclusive pixel convention (detectron2 reads x1 = xmin - 1, x2 = xmax).
    static void WriteVoc(string voc, List<(int Id, Scene Scene)> train, List<(int Id, Scene Scene)> val, List<string> classes)
    {
        foreach (var (id, scene) in train.Concat(val))
        {
            var annotation = new XElement("annotation",
                new XElement("folder", "VOC2007"),
                new XElement("filename", $"{id:D6}.jpg"),
                new XElement("source", new XElement("database", "Dupr synthetic world")),
                new XElement("size", new XElement("width", scene.Width), new XElement("height", scene.Height), new XElement("depth", 3)),
                new XElement("segmented", 0),
                scene.Objects.Select(o => new XElement("object",
                    new XElement("name", classes[o.ClassIndex]),
                    new XElement("pose", "Unspecified"),
                    new XElement("truncated", o.Box.X1 <= 0 || o.Box.Y1 <= 0 || o.Box.X2 >= scene.Width || o.Box.Y2 >= scene.Height ? 1 : 0),
                    new XElement("difficult", o.Difficult ? 1 : 0),
                    new XElement("bndbox",
                        new XElement("xmin", (int)Math.Floor(o.Box.X1) + 1),
                        new XElement("ymin", (int)Math.Floor(o.Box.Y1) + 1),
                        new XElement("xmax", Math.Min(scene.Width, (int)Math.Ceiling(o.Box.X2))),
                        new XElement("ymax", Math.Min(scene.Height, (int)Math.Ceiling(o.Box.Y2)))))));
            var settings = new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) };
            using var writer = XmlWriter.Create(Path.Combine(voc, "Annotations", $"{id:D6}.xml"), settings);
            annotation.Save(writer);
        }
        string sets = Path.Combine(voc, "ImageSets", "Main");
        string trainIds = string.Concat(train.Select(t => $"{t.Id:D6}\n"));
        File.WriteAllText(Path.Combine(sets, "train.txt"), trainIds);
        File.WriteAllText(Path.Combine(sets, "trainval.txt"), trainIds);
        File.WriteAllText(Path.Combine(sets, "test.txt"), string.Concat(val.Select(t => $"{t.Id:D6}\n")));
    }

    static string DescribeWorld(SyntheticWorldOptions o, List<string> classes, int objects, int difficult) => $"""
        # Dupr synthetic world

        Generated by `dupr data synth` (seed {o.Seed}; the same options give byte-identical files).
        Images are {(int)Math.Round(o.Size * 0.75)}-{(int)Math.Round(o.Size * 1.25)} px per side: a colour gradient with fractal
        noise, clutter strokes and blobs that belong to no class, and 1-6 objects per image of {classes.Count}
        classes. Each class has its own outline and surface texture; colours are random, so colour
        says nothing about the class, and each object draws its own texture details (period, angle,
        dot or line size, ring centre), so objects of a class differ in more than colour. Objects vary
        in scale (12%-55% of the short side), aspect (0.67-1.5) and rotation (+-17 degrees) and occlude
        each other (later objects on top).

        | class | id | texture |
        |---|---|---|
        {string.Join("\n", classes.Select((c, i) => $"| {c} | {i + 1} | {ShapeCatalog.Texture(i).ToString().ToLowerInvariant()} |"))}

        Labeled: {o.Train} train + {o.Val} val images, {objects} objects, {difficult} of them difficult.
        Unlabeled: {o.Unlabeled} images {o.UnlabeledLayout switch
        {
            UnlabeledLayout.Objects => "with one object each (45%-85% of the short side, near the centre, as ImageNet's images are) on the same backgrounds",
            UnlabeledLayout.PlainObjects => "with one object each (45%-85% of the short side, near the centre, as ImageNet's images are) on a plain colour gradient",
            _ => "from the same distribution",
        }}, for pre-training.

        ## Layouts
        - `coco/annotations/instances_{"{train,val}"}.json`, images in `coco/train/` and `coco/val/`:
          COCO instances with `bbox` (x, y, w, h), polygon `segmentation`, `area` (polygon area), `iscrowd` 0.
          Category ids are 1..{classes.Count}; image ids are unique across both splits.
        - `VOCdevkit/VOC2007/`: `JPEGImages/`, `Annotations/*.xml` (1-based inclusive pixel boxes),
          `ImageSets/Main/{"{train,trainval,test}"}.txt`; trainval = COCO train, test = COCO val.
        - `unlabeled/`: a flat folder of JPEG images.

        ## Conventions
        - Masks and boxes are amodal: an occluded object's polygon is its whole outline (clipped to
          the image); objects less than 35% visible are left out of the image altogether.
        - `difficult` (VOC) marks objects less than 60% visible or under 8 px on their short side;
          VOC evaluation ignores them. COCO has no such flag, so they count there.
        - `world.json` lists the options and a SHA-256 of every file; it is written last.

        """;
}
