using Dupr.Core.Checkpoints;
using Dupr.Core.Modeling;
using Dupr.Detection.Config;
using Dupr.Detection.Modeling.MetaArch;
using Dupr.Detection.Tests.Modeling;
using Dupr.Detection.Training;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Training;

public class DetectorWeightsTests
{
    [Fact]
    public void TorchvisionResNetFillsTheBackboneAndTheRes5Head()
    {
        using var temp = TestPaths.Temp();
        using var scope = NewDisposeScope();
        using var resnet = new Core.Modeling.ResNet(new ResNetConfig { Depth = 18, Width = 16, Norm = NormKind.BN, FreezeAt = 0, NumClasses = 10 });
        string path = temp.File("backbone.pth");
        ModuleCheckpoint.Save(resnet, path, CheckpointFormat.PyTorch);
        using var model = new FasterRcnnC4(SyntheticScenes.MiniConfig(2));

        var report = DetectorWeights.LoadBackbone(model, path);

        var source = resnet.state_dict();
        var target = model.state_dict();
        Assert.True(target["backbone.layer3.1.conv2.weight"].allclose(source["layer3.1.conv2.weight"]));
        Assert.True(target["roi_heads.res5.0.conv1.weight"].allclose(source["layer4.0.conv1.weight"]));
        Assert.True(target["roi_heads.res5.1.bn2.running_var"].allclose(source["layer4.1.bn2.running_var"]));
        // The classifier is dropped; the RPN, the predictor and MoCo's extra res5 norm keep their initialisation.
        Assert.DoesNotContain(report.Unexpected, k => !k.StartsWith("fc."));
        Assert.All(report.Missing, k => Assert.True(k.StartsWith("proposal_generator.") || k.StartsWith("roi_heads.box_predictor.") || k.StartsWith("roi_heads.res5.norm."), k));
    }

    [Fact]
    public void TorchvisionResNetFillsTheFpnBottomUp()
    {
        using var temp = TestPaths.Temp();
        using var scope = NewDisposeScope();
        using var resnet = new Core.Modeling.ResNet(new ResNetConfig { Depth = 18, Width = 16, Norm = NormKind.BN, FreezeAt = 0, NumClasses = 10 });
        string path = temp.File("backbone.pth");
        ModuleCheckpoint.Save(resnet, path, CheckpointFormat.PyTorch);
        using var model = new MaskRcnnFpn(SyntheticScenes.MiniFpnConfig(2, DetectorArchitecture.MaskRcnnFpn));

        var report = DetectorWeights.LoadBackbone(model, path);

        var source = resnet.state_dict();
        var target = model.state_dict();
        Assert.True(target["backbone.bottom_up.conv1.weight"].allclose(source["conv1.weight"]));
        Assert.True(target["backbone.bottom_up.layer4.1.conv2.weight"].allclose(source["layer4.1.conv2.weight"]));
        Assert.True(target["backbone.bottom_up.layer2.0.bn1.running_mean"].allclose(source["layer2.0.bn1.running_mean"]));
        // The classifier is dropped; the FPN, the RPN and the ROI heads keep their initialisation.
        Assert.DoesNotContain(report.Unexpected, k => !k.StartsWith("fc."));
        Assert.All(report.Missing, k => Assert.True(k.StartsWith("backbone.fpn_") || k.StartsWith("proposal_generator.") || k.StartsWith("roi_heads."), k));
    }
}
