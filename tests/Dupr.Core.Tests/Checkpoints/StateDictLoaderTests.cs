using Dupr.Core.Checkpoints;
using Dupr.Core.Modeling;
using Dupr.Core.Tests.Modeling;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Checkpoints;

public class StateDictLoaderTests
{
    private static string ResNet18 => Path.Combine(ModelingFixtures.ResNetDir, "resnet18_w16.pth");

    [Fact]
    public void StrictLoadListsUnexpectedKeys()
    {
        using var model = ModelingFixtures.Create(18); // no fc, the checkpoint has one
        var error = Assert.Throws<CheckpointMismatchException>(() => ModuleCheckpoint.Load(model, ResNet18));

        Assert.Contains("resnet18_w16.pth does not fit ResNet18", error.Message);
        Assert.Contains("unexpected keys (2): fc.bias, fc.weight", error.Message);
        Assert.DoesNotContain("missing", error.Message);
        Assert.Equal(new[] { "fc.bias", "fc.weight" }, error.Report.Unexpected);
    }

    [Fact]
    public void MisShapedKeysAreListedWithBothShapesEvenWhenNotStrict()
    {
        using var model = ModelingFixtures.Create(18, numClasses: 5);
        var error = Assert.Throws<CheckpointMismatchException>(() => ModuleCheckpoint.Load(model, ResNet18, strict: false));

        Assert.Contains("shape mismatches (2): ", error.Message);
        Assert.Contains("fc.weight: checkpoint [10, 128] vs module [5, 128]", error.Message);
        Assert.Contains("fc.bias: checkpoint [10] vs module [5]", error.Message);
    }

    [Fact]
    public void MissingKeysAreListedAndLongListsSummarised()
    {
        using var model = ModelingFixtures.Create(34, numClasses: 10);
        using var before = model.state_dict()["conv1.weight"].clone();
        var error = Assert.Throws<CheckpointMismatchException>(() => ModuleCheckpoint.Load(model, ResNet18));

        Assert.Equal(8 * 12, error.Report.Missing.Count); // 8 more blocks than ResNet-18, 12 keys each
        Assert.Contains("layer1.2.conv1.weight", error.Report.Missing);
        Assert.Matches(@"missing keys \(\d+\): .*, \.\.\. \(\d+ more\)", error.Message);
        Assert.True(ModelingFixtures.Identical(model.state_dict()["conv1.weight"], before)); // nothing copied
    }

    [Fact]
    public void PartialLoadCopiesWhatFitsAndReportsWhatWasSkipped()
    {
        using var model = ModelingFixtures.Create(18);
        var report = ModuleCheckpoint.Load(model, ResNet18, strict: false);
        using var checkpoint = StateDictFile.Read(ResNet18);

        Assert.False(report.IsComplete);
        Assert.Equal(new[] { "fc.bias", "fc.weight" }, report.Unexpected);
        Assert.Empty(report.Missing);
        Assert.Equal(model.state_dict().Count, report.Loaded.Count);
        Assert.True(ModelingFixtures.Identical(model.state_dict()["layer4.1.bn2.running_var"], checkpoint["layer4.1.bn2.running_var"]));
    }

    [Fact]
    public void BatchCountersAreIgnoredBetweenBnAndFrozenBn()
    {
        using var temp = TestPaths.Temp();
        using var frozen = ModelingFixtures.Create(18, norm: NormKind.FrozenBN, numClasses: 10);
        var report = ModuleCheckpoint.Load(frozen, ResNet18);
        Assert.True(report.IsComplete);
        Assert.Contains("bn1.num_batches_tracked", report.Ignored);

        ModuleCheckpoint.Save(frozen, temp.File("frozen.safetensors"));
        using var bn = ModelingFixtures.Create(18, numClasses: 10);
        Assert.True(ModuleCheckpoint.Load(bn, temp.File("frozen.safetensors")).IsComplete);
    }
}
