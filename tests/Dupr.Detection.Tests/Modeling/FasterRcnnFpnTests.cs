using Dupr.Detection.Config;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Modeling.MetaArch;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

[Collection(NonParallel.Name)]
public class FasterRcnnFpnTests
{
    [Fact]
    public void KeysFollowDetectron2AndTheFactoryBuildsIt()
    {
        using var model = DetectorFactory.Create(SyntheticScenes.MiniFpnConfig(2));
        Assert.IsType<FasterRcnnFpn>(model);
        var state = model.state_dict();
        var keys = state.Keys.ToList();
        Assert.Contains("backbone.bottom_up.conv1.weight", keys);
        Assert.Contains("backbone.bottom_up.layer4.1.conv2.weight", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("backbone.bottom_up.fc"));
        foreach (int level in new[] { 2, 3, 4, 5 })
        {
            Assert.Contains($"backbone.fpn_lateral{level}.weight", keys);
            Assert.Contains($"backbone.fpn_output{level}.bias", keys);
        }
        Assert.Contains("proposal_generator.rpn_head.anchor_deltas.weight", keys);
        Assert.Equal([128L, 32 * 7 * 7], state["roi_heads.box_head.fc1.weight"].shape);
        Assert.Equal([128L, 128], state["roi_heads.box_head.fc2.weight"].shape);
        Assert.Equal([3L, 128], state["roi_heads.box_predictor.cls_score.weight"].shape);
        Assert.Equal([8L, 128], state["roi_heads.box_predictor.bbox_pred.weight"].shape);
        Assert.DoesNotContain(keys, k => k.StartsWith("roi_heads.mask_head"));
        Assert.Equal("backbone.bottom_up.layer2.0.downsample.0.weight", model.BackbonePlacement.Map("layer2.0.downsample.0.weight"));
        Assert.Null(model.BackbonePlacement.Map("fc.weight"));
    }

    [Fact]
    public void TrainsAndDetectsInOriginalPixels()
    {
        using var outer = NewDisposeScope();
        manual_seed(3);
        // Images of 64 px whose originals were 128 x 96 (height x width): detections come back in the original size.
        var samples = SyntheticScenes.Create(2, 64, 2, seed: 4).Select(s => s with { OriginalSize = (128, 96) }).ToList();
        using var batch = DetectionBatch.Collate(samples);
        using var model = new FasterRcnnFpn(SyntheticScenes.MiniFpnConfig(2));
        model.train();
        var losses = model.Losses(batch);
        Assert.Equal(["loss_box_reg", "loss_cls", "loss_rpn_cls", "loss_rpn_loc"], losses.Keys.Order());
        Assert.All(losses.Values, l => Assert.True(l.dim() == 0 && float.IsFinite(l.item<float>())));
        model.eval();
        var detections = model.Inference(batch);
        Assert.Equal(2, detections.Length);
        foreach (var d in detections)
        {
            Assert.True(d.Count is > 0 and <= 100, $"{d.Count} detections");
            Assert.Equal([(long)d.Count, 4], d.Boxes.shape);
            Assert.Equal([(long)d.Count], d.Scores.shape);
            Assert.Equal(ScalarType.Int64, d.Classes.dtype);
            Assert.Null(d.Masks);
            Assert.True(d.Boxes[.., 2].max().item<float>() <= 96 && d.Boxes[.., 3].max().item<float>() <= 128);
        }
    }
}
