using System.Globalization;
using Dupr.Core.Imaging;
using Dupr.Core.Modeling;
using Dupr.Core.Training;
using Dupr.Detection.Config;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Masks;
using Dupr.Tests;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Training;

/// <summary>
/// A tiny labeled world on disk in both layouts a run reads: 64 px images of red and blue rectangles on grey, as a VOCdevkit
/// (VOC2007 trainval / test) and as COCO files (coco/annotations/instances_{train,val}.json, images in coco/{train,val}/)
/// whose category ids (red 5, blue 2) and image ids (from 1000) are not contiguous, so id mapping is exercised.
/// </summary>
public sealed class TinyWorld : IDisposable
{
    /// <summary>Class names in contiguous order: COCO's ascending category id (blue 2, red 5), listed the same way for VOC.</summary>
    public static readonly string[] Classes = ["blue", "red"];

    static readonly Dictionary<string, (long CategoryId, byte[] Colour)> Catalog = new()
    {
        ["blue"] = (2, [40, 60, 220]),
        ["red"] = (5, [220, 40, 40]),
    };

    const int Size = 64;
    readonly TempDirectory _temp = TestPaths.Temp();
    readonly int? _objectsPerImage;

    /// <summary>The --data folder.</summary>
    public string Root => _temp.Path;

    public TinyWorld() : this(objectsPerImage: null)
    {
    }

    /// <summary>A world whose every image holds <paramref name="count"/> objects (else 1 or 2).</summary>
    public static TinyWorld WithObjectsPerImage(int count) => new(count);

    TinyWorld(int? objectsPerImage)
    {
        _objectsPerImage = objectsPerImage;
        var random = new Random(7);
        string voc = Path.Combine(Root, "VOCdevkit", "VOC2007");
        foreach (string folder in new[] { "JPEGImages", "Annotations", Path.Combine("ImageSets", "Main") }) Directory.CreateDirectory(Path.Combine(voc, folder));
        Directory.CreateDirectory(Path.Combine(Root, "coco", "annotations"));
        WriteSplit(random, voc, "train", "trainval", images: 8, firstId: 1000);
        WriteSplit(random, voc, "val", "test", images: 4, firstId: 2000);
    }

    /// <summary>A Faster R-CNN C4 recipe small enough for a step in a fraction of a second: ResNet-18 of width 8 on 64 px images.</summary>
    public static DetectionConfig Config(DatasetFormat format, long maxIter) => new()
    {
        Datasets = format == DatasetFormat.Voc
            ? new DatasetSection { Format = format, Train = ["2007:trainval"], Test = ["2007:test"], ClassNames = [.. Classes] }
            : new DatasetSection { Format = format, Train = ["coco/annotations/instances_train.json:coco/train"], Test = ["coco/annotations/instances_val.json:coco/val"], ClassNames = [] },
        Backbone = new ResNetSection { Depth = 18, Width = 8, Norm = NormKind.BN, FreezeAt = 0 },
        Anchors = new AnchorSection { Sizes = [[16, 32, 64]] },
        Rpn = new RpnSection { PreNmsTopkTrain = 300, PostNmsTopkTrain = 100, PreNmsTopkTest = 300, PostNmsTopkTest = 50, BatchSizePerImage = 64 },
        RoiHeads = new RoiHeadsSection { NumClasses = Classes.Length, BatchSizePerImage = 32, PoolerResolution = 8 },
        Input = new DetectionTransformOptions { MinSizeTrain = [56, 64], MaxSizeTrain = 107, MinSizeTest = 64, MaxSizeTest = 107 },
        Solver = new SolverConfig { BaseLr = 0.02, ReferenceBatchSize = 16, MaxIter = maxIter, Steps = [], WarmupIters = 2, CheckpointPeriod = 2 },
        Train = new DetectionTrainSection { BatchSize = 2, Workers = 1, LogPeriod = 1 },
    };

    void WriteSplit(Random random, string voc, string cocoSplit, string vocSplit, int images, long firstId)
    {
        var cocoImages = new List<CocoImage>();
        var annotations = new List<CocoAnnotation>();
        var stems = new List<string>();
        Directory.CreateDirectory(Path.Combine(Root, "coco", cocoSplit));
        for (int n = 0; n < images; n++)
        {
            using var scope = NewDisposeScope();
            long id = firstId + n;
            string stem = id.ToString(CultureInfo.InvariantCulture);
            stems.Add(stem);
            var image = full([3, Size, Size], S(128), ScalarType.Byte);
            var objects = new List<(string Name, int X, int Y, int W, int H)>();
            for (int k = _objectsPerImage ?? random.Next(1, 3); k > 0; k--)
            {
                int w = random.Next(14, 32), h = random.Next(14, 32), x = random.Next(0, Size - w), y = random.Next(0, Size - h);
                string name = Classes[random.Next(Classes.Length)];
                for (int c = 0; c < 3; c++) image[c, y..(y + h), x..(x + w)] = tensor(Catalog[name].Colour[c]);
                objects.Add((name, x, y, w, h));
            }
            ImageEncoder.Save(image, Path.Combine(voc, "JPEGImages", stem + ".jpg"), jpegQuality: 95);
            File.Copy(Path.Combine(voc, "JPEGImages", stem + ".jpg"), Path.Combine(Root, "coco", cocoSplit, stem + ".jpg"));
            File.WriteAllText(Path.Combine(voc, "Annotations", stem + ".xml"), VocXml(stem, objects));
            cocoImages.Add(new CocoImage(id, Size, Size, stem + ".jpg"));
            foreach (var (name, x, y, w, h) in objects)
                annotations.Add(new CocoAnnotation(annotations.Count + 1 + firstId, id, Catalog[name].CategoryId, new BoxXywh(x, y, w, h), w * h, false,
                    new CocoPolygons([[x, y, x + w, y, x + w, y + h, x, y + h]])));
        }
        File.WriteAllLines(Path.Combine(voc, "ImageSets", "Main", vocSplit + ".txt"), stems);
        // Categories listed red first: contiguous ids follow the ascending id, not the file order.
        var categories = new List<CocoCategory> { new(5, "red", null), new(2, "blue", null) };
        CocoWriter.Write(new CocoDataset("tiny", cocoImages, categories, annotations), Path.Combine(Root, "coco", "annotations", $"instances_{cocoSplit}.json"));
    }

    // VOC boxes are 1-based inclusive pixels: a rectangle covering pixels x..x+w-1 is xmin x+1, xmax x+w.
    static string VocXml(string stem, IEnumerable<(string Name, int X, int Y, int W, int H)> objects) =>
        $"<annotation><filename>{stem}.jpg</filename><size><width>{Size}</width><height>{Size}</height><depth>3</depth></size>" +
        string.Concat(objects.Select(o =>
            $"<object><name>{o.Name}</name><difficult>0</difficult><bndbox><xmin>{o.X + 1}</xmin><ymin>{o.Y + 1}</ymin><xmax>{o.X + o.W}</xmax><ymax>{o.Y + o.H}</ymax></bndbox></object>")) +
        "</annotation>";

    public void Dispose() => _temp.Dispose();
}
