using Dupr.Detection.Config;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Modeling.MetaArch;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

[Collection(NonParallel.Name)]
public class MaskRcnnTests
{
    static Detector Create(DetectorArchitecture architecture, int classes) => DetectorFactory.Create(
        architecture == DetectorArchitecture.MaskRcnnFpn ? SyntheticScenes.MiniFpnConfig(classes, architecture) : SyntheticScenes.MiniConfig(classes, architecture));

    [Fact]
    public void MaskHeadKeysFollowDetectron2()
    {
        using var fpn = Create(DetectorArchitecture.MaskRcnnFpn, 2);
        Assert.IsType<MaskRcnnFpn>(fpn);
        var state = fpn.state_dict();
        Assert.Equal([16L, 32, 3, 3], state["roi_heads.mask_head.mask_fcn1.weight"].shape);
        Assert.Contains("roi_heads.mask_head.mask_fcn4.bias", state.Keys);
        Assert.Equal([16L, 16, 2, 2], state["roi_heads.mask_head.deconv.weight"].shape);
        Assert.Equal([2L, 16, 1, 1], state["roi_heads.mask_head.predictor.weight"].shape);
        Assert.Equal("backbone.bottom_up.layer1.0.conv1.weight", fpn.BackbonePlacement.Map("layer1.0.conv1.weight"));

        using var c4 = Create(DetectorArchitecture.MaskRcnnC4, 2);
        Assert.IsType<MaskRcnnC4>(c4);
        state = c4.state_dict();
        // The C4 mask head is the deconvolution straight on res5 (R-18 width 16: 128 channels).
        Assert.DoesNotContain(state.Keys, k => k.StartsWith("roi_heads.mask_head.mask_fcn"));
        Assert.Equal([128L, 32, 2, 2], state["roi_heads.mask_head.deconv.weight"].shape);
        Assert.Equal("roi_heads.res5.1.conv2.weight", c4.BackbonePlacement.Map("layer4.1.conv2.weight"));
    }

    [Theory]
    [InlineData(DetectorArchitecture.MaskRcnnFpn)]
    [InlineData(DetectorArchitecture.MaskRcnnC4)]
    public void TrainsAndPastesMasksIntoOriginalImages(DetectorArchitecture architecture)
    {
        using var outer = NewDisposeScope();
        manual_seed(3);
        var samples = SyntheticScenes.Create(2, 64, 2, seed: 4).Select(s => s with { OriginalSize = (128, 96) }).ToList();
        using var batch = DetectionBatch.Collate(samples);
        using var model = Create(architecture, 2);
        model.train();
        var losses = model.Losses(batch);
        Assert.Equal(["loss_box_reg", "loss_cls", "loss_mask", "loss_rpn_cls", "loss_rpn_loc"], losses.Keys.Order());
        // Untrained, the mask logits are near 0: the binary cross-entropy is near log 2.
        Assert.Equal(Math.Log(2), losses["loss_mask"].item<float>(), 1);
        model.eval();
        var detections = model.Inference(batch);
        foreach (var d in detections)
        {
            Assert.True(d.Count > 0);
            Assert.Equal([(long)d.Count, 128, 96], d.Masks!.shape);
            Assert.Equal(ScalarType.Byte, d.Masks.dtype);
            Assert.True(d.Masks.max().item<byte>() <= 1);
        }
    }

    [Fact]
    public void BoxOnlySamplesAreRejectedWithAClearError()
    {
        using var outer = NewDisposeScope();
        var samples = SyntheticScenes.Create(1, 64, 2, seed: 4).Select(s => s with { Polygons = null }).ToList();
        using var batch = DetectionBatch.Collate(samples);
        using var model = Create(DetectorArchitecture.MaskRcnnFpn, 2);
        model.train();
        Assert.Contains("instance masks", Assert.Throws<Core.Runtime.DuprException>(() => model.Losses(batch)).Message);
    }
}
