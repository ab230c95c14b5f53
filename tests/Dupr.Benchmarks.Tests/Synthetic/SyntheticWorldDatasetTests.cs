using Dupr.Benchmarks.Synthetic;
using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Data.Datasets;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Masks;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Tests.Synthetic;

/// <summary>The synthetic world's COCO and VOC files read back through the real detection datasets.</summary>
/// <remarks>Here rather than in Dupr.Detection.Tests so that the detection tests need not depend on the benchmarks.</remarks>
[Collection(NonParallel.Name)]
public sealed class SyntheticWorldDatasetTests : IClassFixture<SyntheticWorldDatasetTests.World>
{
    /// <summary>One small world shared by the tests of this class.</summary>
    public sealed class World : IDisposable
    {
        readonly TempDirectory _temp = TestPaths.Temp();

        public World() => Summary = SyntheticWorld.Generate(new SyntheticWorldOptions { Train = 8, Val = 4, Unlabeled = 0, Size = 64, Classes = 4, Seed = 3 }, _temp.Path);

        public SyntheticWorld.Summary Summary { get; }

        public string Root => _temp.Path;

        public string Json(string split) => Path.Combine(Root, "coco", "annotations", $"instances_{split}.json");

        public string Images(string split) => Path.Combine(Root, "coco", split);

        public void Dispose() => _temp.Dispose();
    }

    readonly World _world;

    public SyntheticWorldDatasetTests(World world) => _world = world;

    static DetectionAugmentation Training(double flip) =>
        DetectionAugmentation.ForTraining(new DetectionTransformOptions { MinSizeTrain = [72, 96, 120], MaxSizeTrain = 400, FlipProbability = flip });

    [Fact]
    public void CocoBoxesAndClassesAreTheJsonsInXyxy()
    {
        CocoDataset json = CocoReader.Read(_world.Json("train"));
        var dataset = new CocoDetectionDataset(_world.Json("train"), _world.Images("train"), Training(0.5));
        Assert.Equal(8, dataset.Count);
        Assert.True(dataset.HasMasks);
        Assert.Equal(json.Categories.OrderBy(c => c.Id).Select(c => c.Name), dataset.ClassNames);
        foreach (DetectionRecord record in dataset.Records)
        {
            CocoAnnotation[] annotations = json.Annotations.Where(a => a.ImageId == record.ImageId).ToArray();
            Assert.Equal(annotations.SelectMany(a => new[] { a.Bbox!.Value.X, a.Bbox.Value.Y, a.Bbox.Value.X + a.Bbox.Value.W, a.Bbox.Value.Y + a.Bbox.Value.H }).Select(v => (float)v), record.Boxes);
            Assert.Equal(annotations.Select(a => a.CategoryId - 1), record.Classes); // ids 1..K -> 0..K-1
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void PolygonsFollowResizeAndFlip(double flip)
    {
        var dataset = new CocoDetectionDataset(_world.Json("train"), _world.Images("train"), Training(flip));
        using var scope = NewDisposeScope();
        for (int i = 0; i < dataset.Count; i++)
        {
            DetectionSample sample = dataset.Get(i, SampleRng.For(7, 0, i));
            DetectionRecord record = dataset.Records[i];
            double sx = (double)sample.Width / record.Width;
            float[] boxes = sample.Boxes.data<float>().ToArray();
            for (int k = 0; k < sample.Count; k++)
            {
                // The polygon, rasterised at the sample's size, spans its box to within 2 pixels (a sharp tip
                // may cover no pixel centre); a box that did not follow a flip would be off by far more.
                Rle mask = RleMerge.Merge(sample.Polygons![k].Rings.Select(r => PolygonRasterizer.FromPolygon(r, sample.Height, sample.Width)).ToArray());
                BoxXywh bbox = mask.ToBbox();
                Assert.Equal(boxes[4 * k], bbox.X, 2.0);
                Assert.Equal(boxes[4 * k + 1], bbox.Y, 2.0);
                Assert.Equal(boxes[4 * k + 2], bbox.X + bbox.W, 2.0);
                Assert.Equal(boxes[4 * k + 3], bbox.Y + bbox.H, 2.0);
            }
            // Resized (then clipped to the image), mirrored when flipped.
            float x1 = (float)Math.Clamp(record.Boxes[0] * sx, 0, sample.Width), x2 = (float)Math.Clamp(record.Boxes[2] * sx, 0, sample.Width);
            Assert.Equal(flip == 1 ? sample.Width - x2 : x1, boxes[0], 0.01f);
        }
    }

    [Fact]
    public void VocUnionHoldsEveryImageAndFlagsTheDifficultObjects()
    {
        string devkit = Path.Combine(_world.Root, "VOCdevkit");
        var classNames = CocoReader.Read(_world.Json("train")).Categories.OrderBy(c => c.Id).Select(c => c.Name).ToArray();
        var dataset = new VocDetectionDataset(devkit, [("2007", "trainval"), ("2007", "test")], Training(0.5), DetectionDatasetOptions.Evaluation, classNames);
        Assert.Equal(12, dataset.Count);
        Assert.Equal(_world.Summary.Objects, dataset.Records.Sum(r => r.Count));
        Assert.Equal(_world.Summary.Difficult, dataset.Records.Sum(r => r.Difficult!.Count(d => d)));
        Assert.True(_world.Summary.Difficult > 0, "the world should hold difficult objects");

        // The VOC boxes are the COCO boxes rounded outward to whole pixels.
        var coco = new CocoDetectionDataset(_world.Json("train"), _world.Images("train"), Training(0.5));
        for (int i = 0; i < coco.Count; i++)
        for (int v = 0; v < coco.Records[i].Boxes.Length; v++)
            Assert.Equal(coco.Records[i].Boxes[v], dataset.Records[i].Boxes[v], 1.01f);
    }

    [Fact]
    public void TheLoaderSkipsAndCountsAMissingImage()
    {
        using var temp = TestPaths.Temp();
        string images = temp.File("images");
        Directory.CreateDirectory(images);
        foreach (string file in Directory.GetFiles(_world.Images("val"))) File.Copy(file, Path.Combine(images, Path.GetFileName(file)));
        var dataset = new CocoDetectionDataset(_world.Json("val"), images, Training(0.5));
        string missing = dataset.Records[2].FilePath;
        File.Delete(missing);
        var loader = new DataLoader<DetectionSample, DetectionBatch>(dataset, samples => DetectionBatch.Collate(samples),
            new DataLoaderOptions { BatchSize = 2, Workers = 2, Seed = 1, SkipBad = true });
        int count = 0;
        foreach (DetectionBatch batch in loader.Epoch(0))
            using (batch) count += batch.Samples.Count;
        Assert.Equal(dataset.Count, count);
        Assert.Equal([missing], loader.BadSamples.Files.Keys);
        Assert.Contains("file not found", loader.BadSamples.Summary());
    }
}
