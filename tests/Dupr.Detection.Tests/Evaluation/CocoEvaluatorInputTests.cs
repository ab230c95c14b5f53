using Dupr.Core.Runtime;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Masks;
using Dupr.Tests;
using Dupr.Detection.Evaluation.Coco;

namespace Dupr.Detection.Tests.Evaluation;

/// <summary>What the evaluator accepts and rejects beyond the reference cases: bad values in results, missing fields, no detections.</summary>
public sealed class CocoEvaluatorInputTests
{
    static CocoDataset GroundTruth(double? area = 100, BoxXywh? box = null, long annotationId = 1) => new(
        "gt.json",
        [new CocoImage(1, 50, 40, null), new CocoImage(2, 50, 40, null)],
        [new CocoCategory(1, "a", null), new CocoCategory(2, "b", null)],
        [new CocoAnnotation(annotationId, 1, 1, box ?? new BoxXywh(5, 5, 10, 10), area, false, new CocoPolygons([[5, 5, 15, 5, 15, 15, 5, 15]]))]);

    static CocoResults Results(params (long Image, long Category, double Score, BoxXywh? Box)[] dets)
    {
        var results = new CocoResults("dt.json");
        foreach (var d in dets) results.Add(d.Image, d.Category, d.Score, d.Box, d.Box == null ? CocoRleSegmentation.Compress(new Rle(40, 50, [2000])) : null);
        return results;
    }

    static string Error(CocoDataset gt, CocoResults dt, CocoIouType type = CocoIouType.Bbox) =>
        Assert.Throws<DuprException>(() => CocoEvaluator.Evaluate(gt, dt, type)).Message;

    static readonly BoxXywh Box = new(5, 5, 10, 10);

    [Fact]
    public void UnknownImageInResultsIsAnError() =>
        Assert.Equal("dt.json: results[1]: image_id 7 is not an image of the ground truth gt.json",
            Error(GroundTruth(), Results((1, 1, 0.5, Box), (7, 1, 0.5, Box))));

    [Fact]
    public void UnknownCategoryInResultsIsAnError() =>
        Assert.Equal("dt.json: results[0]: category_id 3 is not a category of the ground truth gt.json",
            Error(GroundTruth(), Results((1, 3, 0.5, Box))));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void NonFiniteScoreIsAnError(double score) =>
        Assert.Contains("dt.json: results[0]: 'score' must be finite", Error(GroundTruth(), Results((1, 1, score, Box))));

    [Fact]
    public void NanLiteralInResultsFileIsAnError()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("dt.json"), """[{"image_id": 1, "category_id": 1, "bbox": [5, 5, 10, 10], "score": NaN}]""");
        CocoResults dt = CocoResultsReader.Read(temp.File("dt.json"));
        Assert.Contains("results[0]: 'score' must be finite, found NaN", Error(GroundTruth(), dt));
    }

    [Fact]
    public void NegativeBoxSizeIsAnError() =>
        Assert.Equal("dt.json: results[1]: 'bbox' has a negative size: width 10, height -2",
            Error(GroundTruth(), Results((1, 1, 0.5, Box), (1, 1, 0.5, new BoxXywh(5, 5, 10, -2)))));

    [Fact]
    public void BoxResultsMustAllHaveBoxes() =>
        Assert.Contains("results[1]: missing 'bbox'; results[0] has one", Error(GroundTruth(), Results((1, 1, 0.5, Box), (1, 1, 0.5, null))));

    [Fact]
    public void GroundTruthNeedsAreaAndBox()
    {
        Assert.Contains("gt.json: annotations[0] (id 1): missing or non-finite 'area'", Error(GroundTruth(area: null), Results()));
        var noBox = new CocoDataset("gt.json", [new CocoImage(1, 50, 40, null)], [new CocoCategory(1, "a", null)],
            [new CocoAnnotation(1, 1, 1, null, 100, false, null)]);
        Assert.Contains("annotations[0] (id 1): missing 'bbox'", Error(noBox, Results()));
        Assert.Contains("annotations[0] (id 1): missing 'segmentation'", Error(noBox, Results(), CocoIouType.Segm));
    }

    [Fact]
    public void MalformedMaskInResultsNamesTheEntry()
    {
        var dt = new CocoResults("dt.json");
        dt.Add(1, 1, 0.5, null, new CocoRleSegmentation(40, 50, "bad string!"));
        Assert.Contains("dt.json: results[0]: 'segmentation': RLE string has character ' '", Error(GroundTruth(), dt, CocoIouType.Segm));
    }

    [Fact]
    public void UnusablePolygonInGroundTruthNamesTheAnnotation()
    {
        var gt = new CocoDataset("gt.json", [new CocoImage(1, 50, 40, null)], [new CocoCategory(1, "a", null)],
            [new CocoAnnotation(42, 1, 1, Box, 100, false, new CocoPolygons([[1, 1, 5, 5]]))]);
        Assert.Contains("gt.json: annotations[0] (id 42): 'segmentation': polygon 0 has 4 coordinates", Error(gt, Results(), CocoIouType.Segm));
    }

    [Theory]
    [InlineData(CocoIouType.Bbox)]
    [InlineData(CocoIouType.Segm)]
    public void NoDetectionsScoreZeroWhereThereIsGroundTruth(CocoIouType type)
    {
        // pycocotools' loadRes fails on an empty list; every defined cell is 0 here, undefined ones -1.
        CocoEvalResult r = CocoEvaluator.Evaluate(GroundTruth(), Results(), type);
        Assert.Equal([0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1], r.Stats);
        Assert.Equal(0, r.CategoryAp[0]);
        Assert.True(double.IsNaN(r.CategoryAp[1]));
    }

    [Fact]
    public void PerfectDetectionScoresOne()
    {
        CocoEvalResult r = CocoEvaluator.Evaluate(GroundTruth(), Results((1, 1, 0.5, Box)), CocoIouType.Bbox);
        // Precision is tp / (tp + fp + np.spacing(1)) in pycocotools, so a perfect score is 1 - 2^-52.
        double[] expected = [1, 1, 1, 1, -1, -1, 1, 1, 1, 1, -1, -1];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], r.Stats[i], 1e-12);
        Assert.Equal(101, Enumerable.Range(0, 101).Count(rp => r.Precision(0, rp, 0, 0, 2) == 1 / (1 + Math.Pow(2, -52))));
        Assert.Equal(1, r.Recall(9, 0, 0, 2));
        Assert.Equal(-1, r.Recall(9, 1, 0, 2));
    }

    [Fact]
    public void SummaryLinesLookLikePycocotools()
    {
        CocoEvalResult r = CocoEvaluator.Evaluate(GroundTruth(), Results((1, 1, 0.5, Box)), CocoIouType.Bbox);
        IReadOnlyList<string> lines = r.SummaryLines();
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000", lines[0]);
        Assert.Equal(" Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 1.000", lines[2]);
        Assert.Equal(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000", lines[10]);
        Assert.Equal(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 1.000", lines[6]);
    }

    [Fact]
    public void ThreadCountDoesNotChangeResults()
    {
        string dir = Path.Combine(TestPaths.Fixtures, "coco-eval-extra", "random0");
        CocoDataset gt = CocoReader.Read(Path.Combine(dir, "gt.json"));
        CocoResults dt = CocoResultsReader.Read(Path.Combine(dir, "dt_segm.json"));
        Assert.Equal(CocoEvaluator.Evaluate(gt, dt, CocoIouType.Segm, maxThreads: 1).Stats, CocoEvaluator.Evaluate(gt, dt, CocoIouType.Segm, maxThreads: 4).Stats);
    }
}
