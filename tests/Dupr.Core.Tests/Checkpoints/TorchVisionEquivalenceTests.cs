using Dupr.Core.Checkpoints;
using Dupr.Core.Modeling;
using Dupr.Core.Tests.Modeling;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Checkpoints;

/// <summary>
/// torchvision ResNets saved by PyTorch (tools/reference/make_resnet_fixture.py) load into ours with no renaming
/// and give PyTorch's features on the same input.
/// </summary>
public class TorchVisionEquivalenceTests
{
    public static TheoryData<int, NormKind, int, bool> Cases => new()
    {
        { 18, NormKind.BN, 0, false },
        { 50, NormKind.BN, 0, false },
        // detectron2's default (FrozenBN, freeze_at 2) must give the same eval features, and keep them in train mode.
        { 18, NormKind.FrozenBN, 2, true },
        { 50, NormKind.FrozenBN, 2, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PytorchStateDictGivesPytorchsRes2ToRes5AndLogits(int depth, NormKind norm, int freezeAt, bool trainMode)
    {
        string name = $"resnet{depth}_w16";
        using var model = ModelingFixtures.Create(depth, width: 16, numClasses: 10, norm: norm, freezeAt: freezeAt,
                                                  outFeatures: ["res2", "res3", "res4", "res5", "fc"]);
        var report = ModuleCheckpoint.Load(model, Path.Combine(ModelingFixtures.ResNetDir, $"{name}.pth"));
        model.train(trainMode);

        using var expected = StateDictFile.Read(Path.Combine(ModelingFixtures.ResNetDir, $"{name}_io.pth"));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var outputs = model.call(expected["input"]);

        Assert.True(report.IsComplete, report.Describe());
        foreach (string feature in new[] { "res2", "res3", "res4", "res5", "fc" })
        {
            double error = ModelingFixtures.RelativeError(outputs[feature], expected[feature]);
            Assert.True(error < 1e-4, $"{feature}: relative error {error:E2}");
        }
    }
}
