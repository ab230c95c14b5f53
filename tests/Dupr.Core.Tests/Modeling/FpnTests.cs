using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Modeling;

public class FpnTests
{
    public FpnTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void RcnnVariantGivesP2ToP6WithMaxPooledP6()
    {
        using var fpn = new Fpn(ModelingFixtures.Create(18), new FpnConfig { OutChannels = 32 });
        using var scope = NewDisposeScope();
        var outputs = fpn.call(randn(1, 3, 64, 96));

        Assert.Equal(new[] { "p2", "p3", "p4", "p5", "p6" }, outputs.Keys);
        Assert.Equal(new[] { 4, 8, 16, 32, 64 }, fpn.OutputShapes.Values.Select(s => s.Stride));
        Assert.All(fpn.OutputShapes.Values, s => Assert.Equal(32, s.Channels));
        foreach (var (name, tensor) in outputs)
            Assert.Equal(new long[] { 1, 32, CeilDiv(64, fpn.OutputShapes[name].Stride), CeilDiv(96, fpn.OutputShapes[name].Stride) }, tensor.shape);
        Assert.Equal(32, fpn.SizeDivisibility);
        // detectron2's LastLevelMaxPool: kernel 1, stride 2 is plain subsampling of P5.
        Assert.True(outputs["p6"].allclose(outputs["p5"][.., .., TensorIndex.Slice(step: 2), TensorIndex.Slice(step: 2)]));
    }

    [Fact]
    public void RetinaNetVariantGivesP3ToP7FromC5()
    {
        using var fpn = new Fpn(ModelingFixtures.Create(18), FpnConfig.RetinaNet() with { OutChannels = 32 });
        using var scope = NewDisposeScope();
        var outputs = fpn.call(randn(2, 3, 128, 64));

        Assert.Equal(new[] { "p3", "p4", "p5", "p6", "p7" }, outputs.Keys);
        foreach (var (name, tensor) in outputs)
            Assert.Equal(new long[] { 2, 32, CeilDiv(128, fpn.OutputShapes[name].Stride), CeilDiv(64, fpn.OutputShapes[name].Stride) }, tensor.shape);
        var keys = fpn.state_dict().Keys.ToList();
        Assert.Contains("top_block.p6.weight", keys);
        Assert.Equal(new long[] { 32, 128, 3, 3 }, fpn.state_dict()["top_block.p6.weight"].shape); // from C5 (128 channels), not P5
        Assert.DoesNotContain(keys, k => k.StartsWith("fpn_lateral2"));
    }

    [Theory]
    [InlineData(NormKind.None)]
    [InlineData(NormKind.BN)]
    [InlineData(NormKind.GN)]
    public void UsesDetectron2KeyNamesWithBiasOnlyWithoutNorm(NormKind norm)
    {
        using var fpn = new Fpn(ModelingFixtures.Create(18), new FpnConfig { OutChannels = 64, Norm = norm });
        var keys = fpn.state_dict().Keys.ToHashSet();

        Assert.Contains("bottom_up.layer1.0.conv1.weight", keys);
        foreach (int level in new[] { 2, 3, 4, 5 })
            foreach (string kind in new[] { "lateral", "output" })
            {
                Assert.Contains($"fpn_{kind}{level}.weight", keys);
                Assert.Equal(norm == NormKind.None, keys.Contains($"fpn_{kind}{level}.bias"));
                Assert.Equal(norm != NormKind.None, keys.Contains($"fpn_{kind}{level}.norm.weight"));
            }
        Assert.Equal(norm == NormKind.BN, keys.Contains("fpn_output2.norm.running_var"));
        using var scope = NewDisposeScope();
        Assert.Equal(5, fpn.call(randn(2, 3, 64, 64)).Count);
    }

    [Fact]
    public void TopDownPathwayAddsTheUpsampledCoarserLevelToEachLateral()
    {
        // With identity lateral and output convolutions, P5 = C5 and P_l = C_l + upsample(P_{l+1} before its output conv).
        using var scope = NewDisposeScope();
        var features = new[] { randn(1, 4, 8, 8), randn(1, 4, 4, 4), randn(1, 4, 2, 2) };
        using var fpn = new Fpn(new FixedBackbone(features), new FpnConfig { InFeatures = ["c3", "c4", "c5"], OutChannels = 4 });
        using (no_grad())
            foreach (var (name, tensor) in fpn.state_dict().Where(e => e.Key.StartsWith("fpn_")))
            {
                tensor.zero_();
                if (name.EndsWith(".weight"))
                    for (int c = 0; c < 4; c++) tensor[c, c, tensor.shape[2] / 2, tensor.shape[3] / 2].fill_(S(1));
            }
        var outputs = fpn.call(zeros(1, 3, 64, 64));

        Tensor Up(Tensor t) => t.repeat_interleave(2, 2).repeat_interleave(2, 3);
        var p5 = features[2];
        var p4 = features[1].add(Up(p5), One);
        var p3 = features[0].add(Up(p4), One);
        Assert.True(outputs["p5"].allclose(p5, atol: 1e-6));
        Assert.True(outputs["p4"].allclose(p4, atol: 1e-6));
        Assert.True(outputs["p3"].allclose(p3, atol: 1e-6));
    }

    [Fact]
    public void ConvolutionsStartWithC2XavierFill()
    {
        using var fpn = new Fpn(ModelingFixtures.Create(18), new FpnConfig { OutChannels = 64 });
        var weight = fpn.state_dict()["fpn_output3.weight"];
        double bound = Math.Sqrt(3.0 / (64 * 3 * 3)); // kaiming_uniform with a=1: gain 1

        Assert.True(weight.abs().max().item<float>() <= bound);
        Assert.True(weight.abs().max().item<float>() > 0.9 * bound);
        Assert.Equal(0, fpn.state_dict()["fpn_output3.bias"].abs().max().item<float>());
    }

    [Fact]
    public void UnknownInFeatureIsAUserError()
    {
        var error = Assert.Throws<DuprException>(() => new Fpn(ModelingFixtures.Create(18, outFeatures: ["res4", "res5"]), new FpnConfig()));
        Assert.Contains("no output 'res2'", error.Message);
    }

    /// <summary>Output size of a level: strided convolutions and pools round up (1x2 P6 from a 2x3 P5).</summary>
    private static long CeilDiv(long size, int stride) => (size + stride - 1) / stride;

    /// <summary>A backbone that returns fixed feature maps c3..c5 (strides 8, 16, 32).</summary>
    private sealed class FixedBackbone : Backbone
    {
        private readonly Tensor[] features;
        private readonly OrderedDictionary<string, FeatureSpec> shapes = new();

        public FixedBackbone(Tensor[] features) : base(nameof(FixedBackbone))
        {
            this.features = features;
            for (int i = 0; i < features.Length; i++) shapes[$"c{i + 3}"] = new FeatureSpec(features[i].shape[1], 8 << i);
            RegisterComponents();
        }

        public override IReadOnlyDictionary<string, FeatureSpec> OutputShapes => shapes;

        public override OrderedDictionary<string, Tensor> forward(Tensor input) =>
            new(shapes.Keys.Select((name, i) => KeyValuePair.Create(name, features[i].alias())));
    }
}
