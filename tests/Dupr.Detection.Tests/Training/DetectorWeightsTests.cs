using Dupr.Core.Checkpoints;
using Dupr.Core.Modeling;
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
}
