using Dupr.Core.Checkpoints;
using Dupr.Core.Runtime;
using Dupr.Core.Tests.Modeling;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Checkpoints;

public class KeyMapperTests
{
    public KeyMapperTests() => TorchRuntime.EnsureLoaded();

    private static string MocoCheckpoint => Path.Combine(ModelingFixtures.ResNetDir, "moco_r18_w8.pth.tar");

    [Fact]
    public void MocoTrainingCheckpointLoadsAsABackboneWithoutItsHead()
    {
        using var model = ModelingFixtures.Create(18, width: 8);
        var report = ModuleCheckpoint.Load(model, MocoCheckpoint, KeyMappers.MocoBackbone);

        Assert.True(report.IsComplete, report.Describe());
        using var raw = StateDictFile.Read(MocoCheckpoint); // the "state_dict" entry, DDP prefix and all
        Assert.Equal("moco", KeyMappers.Detect(raw.Keys));
        Assert.Contains("module.queue", raw.Keys);
        foreach (var (key, tensor) in model.state_dict())
            Assert.True(ModelingFixtures.Identical(tensor, raw[KeyMappers.MocoEncoderPrefix + key]), key);
    }

    [Fact]
    public void PrefixMapperDropsOtherPrefixesAndTheHead()
    {
        var mapper = new PrefixKeyMapper("module.encoder_q.", "fc.");

        Assert.Equal("layer1.0.conv1.weight", mapper.Map("module.encoder_q.layer1.0.conv1.weight"));
        Assert.Null(mapper.Map("module.encoder_q.fc.0.weight"));
        Assert.Null(mapper.Map("module.encoder_k.conv1.weight"));
        Assert.Null(mapper.Map("module.queue"));
    }

    [Theory]
    [InlineData("conv1.weight", "stem.conv1.weight")]
    [InlineData("bn1.running_var", "stem.conv1.norm.running_var")]
    [InlineData("layer1.0.conv1.weight", "res2.0.conv1.weight")]
    [InlineData("layer4.2.bn3.bias", "res5.2.conv3.norm.bias")]
    [InlineData("layer2.0.downsample.0.weight", "res3.0.shortcut.weight")]
    [InlineData("layer3.0.downsample.1.num_batches_tracked", "res4.0.shortcut.norm.num_batches_tracked")]
    [InlineData("fc.weight", "linear.weight")]
    public void Detectron2NamesMapBothWays(string torchvision, string detectron2)
    {
        Assert.Equal(detectron2, Detectron2KeyMapper.FromTorchVision.Map(torchvision));
        Assert.Equal(torchvision, Detectron2KeyMapper.ToTorchVision.Map(detectron2));
    }

    [Fact]
    public void Detectron2MappingRoundTripsEveryResnet50Key()
    {
        var keys = ModelingFixtures.TorchVisionKeys(50).Select(k => k.Key).ToList();
        var detectron2 = keys.Select(k => Detectron2KeyMapper.FromTorchVision.Map(k)!).ToList();

        Assert.DoesNotContain(detectron2, k => k.StartsWith("layer") || k.Contains("downsample") || k.Contains(".bn"));
        Assert.Equal(keys.Count, detectron2.Distinct().Count());
        Assert.Equal(keys, detectron2.Select(k => Detectron2KeyMapper.ToTorchVision.Map(k)));
        Assert.Equal("detectron2", KeyMappers.Detect(detectron2));
        // detectron2's conversion scripts file the MoCo MLP head under "stem.".
        Assert.Equal("fc.0.weight", Detectron2KeyMapper.ToTorchVision.Map("stem.fc.0.weight"));
    }

    [Fact]
    public void ModuleSavedUnderDetectron2NamesLoadsBackThroughTheMapper()
    {
        using var temp = TestPaths.Temp();
        using var model = ModelingFixtures.Create(50, width: 8, numClasses: 3);
        ModuleCheckpoint.Save(model, temp.File("d2.pth"), mapper: Detectron2KeyMapper.FromTorchVision);
        using (var saved = StateDictFile.Read(temp.File("d2.pth")))
            Assert.Contains("res5.2.conv3.norm.running_mean", saved.Keys);

        using var other = ModelingFixtures.Create(50, width: 8, numClasses: 3);
        var report = ModuleCheckpoint.Load(other, temp.File("d2.pth"), KeyMappers.ByName("detectron2"));

        Assert.True(report.IsComplete, report.Describe());
        foreach (var (key, tensor) in model.state_dict())
            Assert.True(ModelingFixtures.Identical(tensor, other.state_dict()[key]), key);
    }

    [Fact]
    public void TwoKeysMappedToOneNameAndUnknownLayoutsAreErrors()
    {
        var clash = new PrefixKeyMapper("");
        var entries = new[] { KeyValuePair.Create("a", 1), KeyValuePair.Create("a", 2) };

        Assert.Contains("both 'a' and 'a'", Assert.Throws<DuprException>(() => clash.Apply(entries)).Message);
        Assert.Contains("valid: torchvision, moco, detectron2", Assert.Throws<DuprException>(() => KeyMappers.ByName("pixpro")).Message);
    }
}
