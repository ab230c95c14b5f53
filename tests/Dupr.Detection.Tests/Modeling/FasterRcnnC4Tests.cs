using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Modeling.MetaArch;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

[Collection(NonParallel.Name)]
public class FasterRcnnC4Tests
{
    [Fact]
    public void KeysFollowDetectron2AndTorchvision()
    {
        using var model = new FasterRcnnC4(SyntheticScenes.MiniConfig(2));
        var keys = model.state_dict().Keys.ToList();
        Assert.Contains("backbone.layer3.0.conv1.weight", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("backbone.layer4"));
        Assert.Contains("proposal_generator.rpn_head.conv.weight", keys);
        Assert.Contains("proposal_generator.rpn_head.objectness_logits.weight", keys);
        Assert.Contains("proposal_generator.rpn_head.anchor_deltas.bias", keys);
        Assert.Contains("roi_heads.res5.0.conv1.weight", keys);
        Assert.Contains("roi_heads.res5.norm.weight", keys);
        Assert.Contains("roi_heads.box_predictor.cls_score.weight", keys);
        Assert.Equal([3L, 128], model.state_dict()["roi_heads.box_predictor.cls_score.weight"].shape);
        Assert.Equal([8L, 128], model.state_dict()["roi_heads.box_predictor.bbox_pred.weight"].shape);
    }

    /// <summary>The overfit acceptance: 4 small images, COCO box AP50 &gt; 0.9 in about a minute on CPU.</summary>
    [Fact]
    public void OverfitsFourImages()
    {
        using var outer = NewDisposeScope();
        manual_seed(0);
        const int classes = 2;
        var samples = SyntheticScenes.Create(4, 96, classes, seed: 1);
        using var batch = DetectionBatch.Collate(samples);
        using var model = new FasterRcnnC4(SyntheticScenes.MiniConfig(classes));
        const int steps = 100;
        var (first, last, seconds, cpu) = DetectorHarness.Train(model, batch, steps, 0.02);
        model.eval();
        var detections = model.Inference(batch);
        double ap50 = DetectorHarness.CocoAp50(samples, detections, classes, CocoIouType.Bbox);
        Assert.True(ap50 > 0.9, $"box AP50 {ap50:F3} after {steps} steps (loss {first:F3} -> {last:F3}) in {seconds:F1}s ({cpu:F1} CPU s)");
    }

    [Fact]
    public void TrainingAndInferenceStepsLeaveNoLiveTensors()
    {
        using var outer = NewDisposeScope();
        manual_seed(5);
        var samples = SyntheticScenes.Create(2, 64, 2, seed: 2);
        using var batch = DetectionBatch.Collate(samples);
        using var model = new FasterRcnnC4(SyntheticScenes.MiniConfig(2));
        DetectorHarness.AssertNoLiveTensorGrowth(model, batch);
    }
}
