using Dupr.Detection.Data;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Masks;
using Dupr.Detection.Modeling;
using Dupr.Tests;
using static TorchSharp.torch;
using Dupr.Detection.Evaluation.Coco;

namespace Dupr.Detection.Tests.Evaluation;

/// <summary>Detections (with pasted masks, as a mask detector's postprocess gives them) turned into COCO results and scored.</summary>
public sealed class CocoDetectionResultsTests
{
    // One 20x30 image (id 42) with a "cat" (category 7) rectangle x 4..13, y 2..9 (a polygon); categories 3 and 7 -> contiguous 0, 1.
    static CocoTestSet TestSet(TempDirectory temp)
    {
        var groundTruth = new CocoDataset("gt",
            [new CocoImage(42, 30, 20, "a.png")],
            [new CocoCategory(7, "cat", null), new CocoCategory(3, "car", null)],
            [new CocoAnnotation(1, 42, 7, new BoxXywh(4, 2, 10, 8), 80, false, new CocoPolygons([[4, 2, 14, 2, 14, 10, 4, 10]]))]);
        return new CocoTestSet(groundTruth, temp.Path, DetectionAugmentation.ForTest(new DetectionTransformOptions()), evaluateMasks: true);
    }

    static DetectionSample Sample() => new()
    {
        Image = zeros(3, 20, 30), Boxes = zeros(0, 4), Classes = zeros(0, ScalarType.Int64), ImageId = 42, OriginalSize = (20, 30), FileName = "a.png",
    };

    // Detection 0: the cat exactly (mask = its rectangle); detection 1: a "car" over the left half of the image, lower score.
    static Detections Detected()
    {
        var masks = zeros([2, 20, 30], ScalarType.Byte);
        masks[0, 2..10, 4..14] = tensor((byte)1);
        masks[1, .., ..15] = tensor((byte)1);
        return new Detections(tensor(new float[] { 4, 2, 14, 10, 0, 0, 15, 20 }).view(2, 4), tensor(new[] { 0.9f, 0.3f }), tensor(new long[] { 1, 0 }))
        {
            Masks = masks,
        };
    }

    [Fact]
    public void ResultsCarryTheFilesIdsBoxesAsXywhAndMasksAsCompressedRle()
    {
        using var temp = TestPaths.Temp();
        using var scope = NewDisposeScope();
        var results = new CocoDetectionResults(TestSet(temp));
        results.Add(Sample(), Detected());

        CocoResults read = CocoResultsReader.Read(results.Write(temp.Path));
        Assert.Equal([42L, 42L], read.ImageIds);
        Assert.Equal([7L, 3L], read.CategoryIds);
        Assert.Equal(new BoxXywh(4, 2, 10, 8), read.Boxes[0]);
        Assert.Equal(new BoxXywh(0, 0, 15, 20), read.Boxes[1]);
        var rle = Assert.IsType<CocoRleSegmentation>(read.Segmentations[0]);
        Assert.NotNull(rle.CompressedCounts);
        Assert.Equal((20, 30), (rle.Height, rle.Width));
        byte[] mask = rle.ToRle(20, 30).ToRowMajor();
        Assert.Equal(80, mask.Count(b => b == 1));
        Assert.Equal(1, mask[2 * 30 + 4]);
        Assert.Equal(0, mask[10 * 30 + 4]);
        Assert.Equal(300u, read.Segmentations[1]!.ToRle(20, 30).Area());
    }

    [Fact]
    public void MasksAreScoredAsSegmBesideTheBoxes()
    {
        using var temp = TestPaths.Temp();
        using var scope = NewDisposeScope();
        var results = new CocoDetectionResults(TestSet(temp));
        results.Add(Sample(), Detected());
        DetectionMetrics metrics = results.Evaluate();
        Assert.Equal(["bbox", "segm"], metrics.Scores.Select(s => s.IouType));
        Assert.Equal(["AP", "AP50", "AP75", "segm_AP", "segm_AP50", "segm_AP75"], metrics.Columns().Select(c => c.Name));
        // The cat is found exactly; "car" has no ground truth, so its AP is undefined and left out of the mean.
        Assert.All(metrics.Columns(), c => Assert.Equal(100, c.Value, 9));
        Assert.Equal(1.0, (double)metrics.ToJson(7)["segm"]!["metrics"]!["AP"]!, 9);
    }

    [Fact]
    public void MasksMustBePastedIntoTheImage()
    {
        using var temp = TestPaths.Temp();
        using var scope = NewDisposeScope();
        var results = new CocoDetectionResults(TestSet(temp));
        var unpasted = new Detections(zeros(1, 4), ones(1), zeros(1, ScalarType.Int64)) { Masks = rand(1, 1, 14, 14) };
        Assert.Contains("pasted", Assert.Throws<ArgumentException>(() => results.Add(Sample(), unpasted)).Message);
    }
}
