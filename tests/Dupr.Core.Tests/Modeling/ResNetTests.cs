using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using GroupNorm = TorchSharp.Modules.GroupNorm;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Modeling;

public class ResNetTests
{
    [Theory]
    [InlineData(18, 1)]
    [InlineData(34, 1)]
    [InlineData(50, 4)]
    [InlineData(101, 4)]
    public void OutputsRes2ToRes5WithTheConfiguredChannelsAndStrides(int depth, int expansion)
    {
        using var model = ModelingFixtures.Create(depth, width: 8);
        model.eval();
        using var scope = NewDisposeScope();
        var outputs = model.call(randn(2, 3, 96, 64));

        Assert.Equal(new[] { "res2", "res3", "res4", "res5" }, outputs.Keys);
        Assert.Equal(outputs.Keys, model.OutputShapes.Keys);
        int[] strides = [4, 8, 16, 32];
        for (int i = 0; i < 4; i++)
        {
            var spec = model.OutputShapes[outputs.GetAt(i).Key];
            Assert.Equal(new FeatureSpec(8L * expansion << i, strides[i]), spec);
            Assert.Equal(new[] { 2, spec.Channels, 96 / spec.Stride, 64 / spec.Stride }, outputs.GetAt(i).Value.shape);
        }
    }

    [Theory]
    [InlineData(18)]
    [InlineData(34)]
    [InlineData(50)]
    [InlineData(101)]
    public void StateDictKeysAndShapesEqualTorchvisions(int depth)
    {
        using var model = ModelingFixtures.Create(depth, width: 64, numClasses: 1000);
        var ours = model.state_dict().ToDictionary(e => e.Key, e => e.Value.shape);
        var theirs = ModelingFixtures.TorchVisionKeys(depth);

        Assert.Equal(theirs.Select(k => k.Key).Order(), ours.Keys.Order());
        foreach (var (key, shape) in theirs) Assert.True(shape.SequenceEqual(ours[key]), $"{key}: [{string.Join(",", ours[key])}] vs torchvision [{string.Join(",", shape)}]");
    }

    [Fact]
    public void OnlyUpToOutFeaturesBuildsNoLaterStage()
    {
        TorchRuntime.EnsureLoaded();
        using var model = new ResNet(new ResNetConfig { Depth = 18, Width = 16, Norm = NormKind.BN, FreezeAt = 0, OutFeatures = ["res4"], OnlyUpToOutFeatures = true });
        using var scope = NewDisposeScope();
        Assert.DoesNotContain(model.state_dict().Keys, k => k.StartsWith("layer4."));
        Assert.Contains(model.state_dict().Keys, k => k.StartsWith("layer3."));
        Assert.Equal(new long[] { 1, 64, 4, 4 }, model.call(randn(1, 3, 64, 64))["res4"].shape);
        Assert.Throws<ArgumentException>(() => model.Features(randn(1, 3, 64, 64), ["res5"]));
    }

    [Fact]
    public void ReturnsOnlyTheRequestedSubsetInNetworkOrder()
    {
        using var model = ModelingFixtures.Create(18, outFeatures: ["res4", "stem"]);
        using var scope = NewDisposeScope();
        var input = randn(1, 3, 64, 64);

        Assert.Equal(new[] { "stem", "res4" }, model.call(input).Keys);
        Assert.Equal(new[] { "res2" }, model.Features(input, ["res2"]).Keys);
        Assert.Throws<ArgumentException>(() => model.Features(input, ["res6"]));
    }

    [Fact]
    public void FcHeadGivesLogitsBesideTheFeatures()
    {
        using var model = ModelingFixtures.Create(18, numClasses: 7, outFeatures: ["res5", "fc"]);
        using var scope = NewDisposeScope();
        var outputs = model.call(randn(3, 3, 64, 64));

        Assert.Equal(new long[] { 3, 7 }, outputs["fc"].shape);
        Assert.Equal(new FeatureSpec(7, 0), model.OutputShapes["fc"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void FreezeAtStopsGradientsAndFreezesTheNormsOfTheFirstStages(int freezeAt)
    {
        using var model = ModelingFixtures.Create(18, freezeAt: freezeAt);
        string[] prefixes = ["conv1.", "layer1.", "layer2.", "layer3.", "layer4."];
        // Stage of a state-dict key: stem (bn1 too) is 1, layerN is N + 1.
        int StageOf(string key) => key.StartsWith("bn1.") ? 1 : Array.FindIndex(prefixes, key.StartsWith) + 1;

        foreach (var (name, parameter) in model.named_parameters())
            Assert.True(parameter.requires_grad == StageOf(name) > freezeAt, $"{name} requires_grad={parameter.requires_grad} at freeze_at {freezeAt}");
        foreach (var (name, module) in model.named_modules().Where(m => m.module is BatchNorm2d or FrozenBatchNorm2d))
            Assert.True(module is FrozenBatchNorm2d == StageOf(name + ".") <= freezeAt, $"{name} is {module.GetType().Name} at freeze_at {freezeAt}");

        if (freezeAt == ResNet.StageNames.Count) return; // nothing left to differentiate
        using var scope = NewDisposeScope();
        model.train();
        model.call(randn(2, 3, 32, 32))["res5"].sum().backward();
        var grads = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad is not null);
        Assert.Equal(freezeAt == 0, grads["conv1.weight"]);
        Assert.True(grads["layer4.1.conv2.weight"]);
    }

    [Fact]
    public void GroupNormUses32GroupsAndKeepsTorchvisionKeyNames()
    {
        using var model = ModelingFixtures.Create(18, width: 64, norm: NormKind.GN);
        var norms = model.named_modules().Where(m => m.module is GroupNorm).ToList();

        Assert.Equal(20, norms.Count); // bn1, 2 x 2 per stage x 4 stages, 3 downsample norms
        Assert.Contains("bn1.weight", model.state_dict().Keys);
        Assert.DoesNotContain(model.state_dict().Keys, k => k.Contains("running_mean"));
        using var scope = NewDisposeScope();
        Assert.Equal(new long[] { 1, 512, 2, 2 }, model.call(randn(1, 3, 64, 64))["res5"].shape);
    }

    [Fact]
    public void GroupNormOnTooFewChannelsAndBadConfigsAreUserErrors()
    {
        Assert.Contains("divisible by 32", Assert.Throws<DuprException>(() => ModelingFixtures.Create(18, width: 16, norm: NormKind.GN)).Message);
        Assert.Contains("valid: 18, 34, 50, 101, 152", Assert.Throws<DuprException>(() => ModelingFixtures.Create(20)).Message);
        Assert.Contains("fc needs num_classes", Assert.Throws<DuprException>(() => ModelingFixtures.Create(18, outFeatures: ["fc"])).Message);
        Assert.Contains("freeze_at", Assert.Throws<DuprException>(() => ModelingFixtures.Create(18, freezeAt: 6)).Message);
    }

    [Fact]
    public void NoLiveTensorGrowthAcross100TrainingSteps()
    {
        using var model = ModelingFixtures.Create(18, width: 8, numClasses: 4, outFeatures: ["res2", "res3", "res4", "res5", "fc"]);
        model.train();
        using var optimizer = new Sgd(model.parameters(), 0.01, momentum: 0.9);
        using var input = randn(2, 3, 32, 32);
        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var outputs = model.call(input);
            outputs.Values.Select(t => t.mean()).Aggregate((a, b) => a.add(b, One)).backward();
            optimizer.step();
        }

        for (int i = 0; i < 3; i++) Step(); // gradients and momentum buffers appear on the first steps
        var statistics = TorchSharp.DisposeScopeManager.Statistics;
        long before = statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 100; i++) Step();

        Assert.Equal(before, statistics.ThreadTotalLiveCount);
    }
}
