using Dupr.Detection.Data.Voc;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Evaluation.Voc;

namespace Dupr.Detection.Tests.Evaluation;

/// <summary>detectron2's VOC rules on hand-computed one-class cases.</summary>
public sealed class VocRuleTests
{
    static readonly string[] Classes = ["dog"];

    static VocAnnotation Image(string id, params VocObject[] objects) => new(id, id + ".jpg", 100, 100, 3, objects);

    static VocObject Dog(double x1, double y1, double x2, double y2, bool difficult = false) => new("dog", difficult, false, null, x1, y1, x2, y2);

    static VocDetections Detections(params VocDetection[] dogs) =>
        new(new Dictionary<string, IReadOnlyList<VocDetection>> { ["dog"] = dogs }, "results");

    static VocDetection Det(string image, double score, double x1, double y1, double x2, double y2) => new(image, score, x1, y1, x2, y2, 1);

    static double Ap(VocAnnotation[] images, VocDetections dets, VocMetric metric, int thresholdIndex = 0) =>
        VocEvaluator.Evaluate(images, dets, metric, Classes).ClassAp(0, thresholdIndex);

    [Theory]
    [InlineData(VocMetric.ElevenPoint)]
    [InlineData(VocMetric.Area)]
    public void DifficultObjectsAreNeitherTrueNorFalsePositives(VocMetric metric)
    {
        // The top detection hits a difficult dog: if it counted as a false positive, AP would be 50.
        VocAnnotation[] images = [Image("a", Dog(10, 10, 50, 50), Dog(60, 60, 90, 90, difficult: true))];
        Assert.Equal(100, Ap(images, Detections(Det("a", 0.9, 60, 60, 90, 90), Det("a", 0.8, 10, 10, 50, 50)), metric), 9);
    }

    [Fact]
    public void IouUsesThePlusOnePixelConventionAndMustExceedTheThreshold()
    {
        // Ground truth 1..10 x 1..10 is 100 pixels. 1..10 x 1..5 covers 50: IoU exactly 0.5 is not a match.
        VocAnnotation[] images = [Image("a", Dog(1, 1, 10, 10))];
        Assert.Equal(0, Ap(images, Detections(Det("a", 0.9, 1, 1, 10, 5)), VocMetric.Area));
        // 1..10 x 1..6 covers 60: IoU 0.6 matches at 0.5 and 0.55, not at 0.6.
        VocDetections sixty = Detections(Det("a", 0.9, 1, 1, 10, 6));
        Assert.Equal(100, Ap(images, sixty, VocMetric.Area, 0));
        Assert.Equal(100, Ap(images, sixty, VocMetric.Area, 1));
        Assert.Equal(0, Ap(images, sixty, VocMetric.Area, 2));
    }

    [Fact]
    public void ASecondDetectionOfTheSameObjectIsAFalsePositive()
    {
        // Two dogs; both detections hit the first one: recall 0.5 at precision 1, then 0.5 at 0.5.
        VocAnnotation[] images = [Image("a", Dog(10, 10, 50, 50), Dog(60, 60, 90, 90))];
        VocDetections dets = Detections(Det("a", 0.9, 10, 10, 50, 50), Det("a", 0.8, 11, 11, 50, 50));
        Assert.Equal(100 * 6 / 11.0, Ap(images, dets, VocMetric.ElevenPoint), 9);
        Assert.Equal(50, Ap(images, dets, VocMetric.Area), 9);
    }

    [Fact]
    public void DetectionsOnImagesWithoutTheClassAreFalsePositives()
    {
        VocAnnotation[] images = [Image("a", Dog(10, 10, 50, 50)), Image("b")];
        VocDetections dets = Detections(Det("b", 0.95, 10, 10, 50, 50), Det("a", 0.9, 10, 10, 50, 50));
        // Recall 0 at precision 0, then 1 at 0.5: the envelope gives 0.5 everywhere.
        Assert.Equal(50, Ap(images, dets, VocMetric.Area), 9);
        Assert.Equal(50, Ap(images, dets, VocMetric.ElevenPoint), 9);
    }

    [Fact]
    public void MeansAreOverThresholdsOfMeansOverClasses()
    {
        VocAnnotation[] images = [Image("a", Dog(1, 1, 10, 10))];
        VocEvalResult result = VocEvaluator.Evaluate(images, Detections(Det("a", 0.9, 1, 1, 10, 6)), VocMetric.Area, Classes);
        Assert.Equal(100, result.AP50);
        Assert.Equal(0, result.AP75);
        Assert.Equal(20, result.AP, 9);
    }
}
