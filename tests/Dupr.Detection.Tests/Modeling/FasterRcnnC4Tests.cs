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
}
