using Dupr.Core.Ops;
using Dupr.Detection.Config;
using Dupr.Detection.Modeling.Retina;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling.Retina;

/// <summary>detectron2's inference_single_image rules on hand-made anchors and logits (K = 2 classes, 2 levels).</summary>
public class RetinaNetInferenceTests
{
    static readonly BoxCoder Coder = new((1, 1, 1, 1));

    static float Logit(double p) => (float)Math.Log(p / (1 - p));

    // Level 0: four 10x10 anchors in a row 20 px apart; level 1: two 20x20 anchors, the first covering level 0's first.
    static Tensor[] Anchors() =>
    [
        tensor(new float[] { 0, 0, 10, 10, 20, 0, 30, 10, 40, 0, 50, 10, 60, 0, 70, 10 }).view(4, 4),
        tensor(new float[] { 0, 0, 11, 11, 100, 100, 120, 120 }).view(2, 4),
    ];

    static Tensor Logits(params double[] probabilities) =>
        tensor(probabilities.Select(p => p <= 0 ? -20f : Logit(p)).ToArray()).view(-1, 2);

    [Fact]
    public void ScoresAboveThresholdTopKPerLevelThenClassWiseNmsAcrossLevels()
    {
        using var scope = NewDisposeScope();
        var config = new RetinaNetSection { TopkCandidatesTest = 3, ScoreThreshTest = 0.05, NmsThreshTest = 0.5, DetectionsPerImage = 100 };
        // Rows are anchors, columns classes 0 and 1.
        var level0 = Logits(
            0.90, 0.04,     // anchor 0: class 0 kept; 0.04 is under the threshold
            0.30, 0.20,     // anchor 1: both classes candidates
            0.10, 0.06,     // anchor 2: both above the threshold, but only the level's top 3 survive (0.9, 0.3, 0.2)
            0.00, 0.049);   // anchor 3: under the threshold
        var level1 = Logits(
            0.80, 0.07,     // anchor 0 (IoU 100/121 with level 0's anchor 0): class 0 suppressed by the 0.9, class 1 kept
            0.00, 0.00);
        var zerosDeltas = new[] { zeros(4, 4), zeros(2, 4) };

        var d = RetinaNetInference.SingleImage(Anchors(), [level0, level1], zerosDeltas, Coder, config);

        Assert.Equal([0.9f, 0.3f, 0.2f, 0.07f], d.Scores.data<float>().ToArray().Select(s => (float)Math.Round(s, 4)));
        Assert.Equal([0L, 0, 1, 1], d.Classes.data<long>().ToArray());
        Assert.Equal(new float[] { 0, 0, 10, 10, 20, 0, 30, 10, 20, 0, 30, 10, 0, 0, 11, 11 }, d.Boxes.data<float>().ToArray());
    }

    [Fact]
    public void DeltasDecodeAgainstTheirAnchorAndDetectionsAreCapped()
    {
        using var scope = NewDisposeScope();
        var config = new RetinaNetSection { DetectionsPerImage = 2 };
        var level0 = Logits(0.6, 0.0, 0.7, 0.0, 0.8, 0.0, 0.0, 0.0);
        var level1 = Logits(0.0, 0.0, 0.0, 0.95);
        var deltas0 = zeros(4, 4);
        var deltas1 = tensor(new float[] { 0, 0, 0, 0, 0.5f, -0.25f, (float)Math.Log(2), 0 }).view(2, 4);

        var d = RetinaNetInference.SingleImage(Anchors(), [level0, level1], [deltas0, deltas1], Coder, config);

        // Top 2 of 0.95 (level 1, class 1), 0.8, 0.7, 0.6; the decoded box: centre (110 + 10, 110 - 5), size 40 x 20.
        Assert.Equal(2, d.Count);
        Assert.Equal([1L, 0], d.Classes.data<long>().ToArray());
        var expected = Coder.Decode(deltas1[1].view(1, 4), Anchors()[1][1].view(1, 4)).data<float>().ToArray();
        Assert.Equal(expected, d.Boxes[0].data<float>().ToArray());
        Assert.Equal([100f, 95, 140, 115], expected);
        Assert.Equal([40f, 0, 50, 10], d.Boxes[1].data<float>().ToArray());
    }

    [Fact]
    public void NoCandidateGivesNoDetections()
    {
        using var scope = NewDisposeScope();
        var d = RetinaNetInference.SingleImage(Anchors(), [Logits(new double[8]), Logits(new double[4])], [zeros(4, 4), zeros(2, 4)], Coder, new RetinaNetSection());
        Assert.Equal(0, d.Count);
        Assert.Equal([0L, 4], d.Boxes.shape);
    }
}
