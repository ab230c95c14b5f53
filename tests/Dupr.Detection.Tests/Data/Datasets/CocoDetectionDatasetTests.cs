using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Datasets;
using Dupr.Detection.Data.Transforms;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Data.Datasets;

/// <summary>The COCO detection dataset on hand-written files: crowd regions, empty images, LVIS names, bad files.</summary>
[Collection(NonParallel.Name)]
public sealed class CocoDetectionDatasetTests
{
    // Categories 3, 7, 90 -> contiguous 0, 1, 2. Image 1: a polygon instance of category 7 and a crowd RLE of
    // category 3; image 2: only a crowd region; image 3: no annotations; image 4 (LVIS style): coco_url only,
    // an instance without a segmentation and one whose only polygon has 2 points (dropped, as detectron2 does).
    const string Json = """
        {"images": [{"id": 3, "width": 30, "height": 20, "file_name": "c.png"},
                    {"id": 1, "width": 60, "height": 40, "file_name": "a.png"},
                    {"id": 2, "width": 30, "height": 20, "file_name": "b.png"},
                    {"id": 4, "width": 30, "height": 20, "coco_url": "http://images.cocodataset.org/val2017/d.png"}],
         "categories": [{"id": 90, "name": "zebra"}, {"id": 3, "name": "car"}, {"id": 7, "name": "cat"}],
         "annotations": [
           {"id": 10, "image_id": 1, "category_id": 7, "bbox": [10, 5, 20.5, 15], "area": 300, "iscrowd": 0,
            "segmentation": [[10, 5, 30.5, 5, 30.5, 20, 10, 20]]},
           {"id": 11, "image_id": 1, "category_id": 3, "bbox": [40, 0, 20, 40], "area": 800, "iscrowd": 1,
            "segmentation": {"size": [40, 60], "counts": [1600, 800, 0]}},
           {"id": 12, "image_id": 2, "category_id": 90, "bbox": [0, 0, 5, 5], "area": 25, "iscrowd": 1,
            "segmentation": {"size": [20, 30], "counts": "0"}},
           {"id": 13, "image_id": 4, "category_id": 90, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": 0},
           {"id": 14, "image_id": 4, "category_id": 3, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": 0, "segmentation": [[1, 2, 3, 4]]}
         ]}
        """;

    static string Write(TempDirectory temp, string json = Json)
    {
        File.WriteAllText(temp.File("instances.json"), json);
        DatasetFiles.WriteImage(temp.File("a.png"), 60, 40);
        DatasetFiles.WriteImage(temp.File("b.png"), 30, 20);
        DatasetFiles.WriteImage(temp.File("c.png"), 30, 20);
        DatasetFiles.WriteImage(temp.File("val2017/d.png"), 30, 20);
        return temp.File("instances.json");
    }

    [Fact]
    public void TrainingLeavesOutCrowdRegionsAndImagesWithoutInstances()
    {
        using var temp = TestPaths.Temp();
        var dataset = new CocoDetectionDataset(Write(temp), temp.Path, DatasetFiles.Identity(40));
        Assert.Equal(["car", "cat", "zebra"], dataset.ClassNames);
        // Image 2 holds only a crowd region and image 3 nothing: both filtered; ascending id order.
        Assert.Equal([1L, 4L], dataset.Records.Select(r => r.ImageId));
        Assert.False(dataset.HasMasks); // image 4's instance has no segmentation: box-only

        using var scope = NewDisposeScope();
        DetectionSample a = dataset.Get(0, new SampleRng(0));
        Assert.Equal((40, 60), (a.Height, a.Width));
        Assert.Equal(new float[] { 10, 5, 30.5f, 20 }, a.Boxes.data<float>().ToArray()); // the crowd box is not a target
        Assert.Equal([1L], a.Classes.data<long>().ToArray());
        Assert.Null(a.Polygons);
        Assert.Null(a.Difficult);
        Assert.Equal((1L, (40, 60), temp.File("a.png")), (a.ImageId, a.OriginalSize, a.FileName));

        // LVIS style: found through coco_url; the 2-point polygon's instance is gone.
        DetectionSample d = dataset.Get(1, new SampleRng(0));
        Assert.Equal(Path.Combine(temp.Path, "val2017", "d.png"), d.FileName);
        Assert.Equal(new float[] { 2, 4, 8, 12 }, d.Boxes.data<float>().ToArray()); // [1, 2, 4, 6] at short edge 20 -> 40
        Assert.Equal([2L], d.Classes.data<long>().ToArray());
    }

    [Fact]
    public void EvaluationKeepsEveryImageAndPolygonsFollowTheBoxes()
    {
        using var temp = TestPaths.Temp();
        string json = Json.Replace("""{"id": 13, "image_id": 4, "category_id": 90, "bbox": [1, 2, 3, 4], "area": 12, "iscrowd": 0},""", "");
        var dataset = new CocoDetectionDataset(Write(temp, json), temp.Path, DatasetFiles.Identity(80), DetectionDatasetOptions.Evaluation);
        Assert.Equal([1L, 2L, 3L, 4L], dataset.Records.Select(r => r.ImageId));
        Assert.True(dataset.HasMasks);
        Assert.Equal([1, 0, 0, 0], dataset.Records.Select(r => r.Count));

        using var scope = NewDisposeScope();
        DetectionSample a = dataset.Get(0, new SampleRng(0)); // short edge 40 -> 80: everything doubles
        Assert.Equal((80, 120), (a.Height, a.Width));
        Assert.Equal(new float[] { 20, 10, 61, 40 }, a.Boxes.data<float>().ToArray());
        Assert.Equal(new double[] { 20, 10, 61, 10, 61, 40, 20, 40 }, Assert.Single(a.Polygons!).Rings[0]);
        Assert.Equal(0, dataset.Get(1, new SampleRng(0)).Count);
    }

    [Fact]
    public void AMissingImageIsADataFileErrorThatTheLoaderCanSkip()
    {
        using var temp = TestPaths.Temp();
        var dataset = new CocoDetectionDataset(Write(temp), temp.Path, DatasetFiles.Identity(20), DetectionDatasetOptions.Evaluation);
        File.Delete(temp.File("b.png"));
        var error = Assert.Throws<DataFileException>(() => dataset.Get(1, new SampleRng(0)));
        Assert.Equal(temp.File("b.png"), error.FilePath);
        Assert.Contains("b.png: file not found", error.Message);

        DataLoader<DetectionSample, DetectionBatch> Loader(bool skipBad) =>
            new(dataset, samples => DetectionBatch.Collate(samples), new DataLoaderOptions { BatchSize = 2, Workers = 2, Shuffle = false, SkipBad = skipBad });
        Assert.Throws<DataFileException>(() => Loader(false).Epoch(0).ToList().ForEach(b => b.Dispose()));

        long before = LiveTensors.Settled();
        var loader = Loader(true);
        int images = 0;
        foreach (DetectionBatch batch in loader.Epoch(0))
            using (batch) images += batch.Samples.Count;
        Assert.Equal(4, images); // the bad slot is refilled
        Assert.True(loader.BadSamples.Skipped >= 1);
        Assert.Equal([temp.File("b.png")], loader.BadSamples.Files.Keys);
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void AnImageOfAnotherSizeThanAnnotatedIsADataFileError()
    {
        using var temp = TestPaths.Temp();
        var dataset = new CocoDetectionDataset(Write(temp), temp.Path, DatasetFiles.Identity(40));
        DatasetFiles.WriteImage(temp.File("a.png"), 61, 40);
        var error = Assert.Throws<DataFileException>(() => dataset.Get(0, new SampleRng(0)));
        Assert.Equal("image is 61x40 pixels but its annotation says 60x40", error.Problem);
    }

    [Fact]
    public void ReaderErrorsSurface()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("bad.json"), """{"images": [{"id": 1, "width": 3, "height": """);
        var error = Assert.Throws<DuprException>(() => new CocoDetectionDataset(temp.File("bad.json"), temp.Path, DatasetFiles.Identity(20)));
        Assert.StartsWith(temp.File("bad.json") + ": ", error.Message);
        Assert.Contains("file not found", Assert.Throws<DuprException>(() => new CocoDetectionDataset(temp.File("none.json"), temp.Path, DatasetFiles.Identity(20))).Message);
    }
}
