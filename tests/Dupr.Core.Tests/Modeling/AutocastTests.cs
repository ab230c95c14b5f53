using System.Text.RegularExpressions;
using Dupr.Core.Modeling;
using Dupr.Core.Training;
using Dupr.Tests;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Modeling;

// Joins NonParallel: the init comparison seeds and draws from torch's global generator, which a test beside it would draw from too.
[Collection(NonParallel.Name)]
public class AutocastTests
{
    static double RelativeError(Tensor value, Tensor reference) =>
        (value.to(ScalarType.Float32) - reference).norm().item<float>() / reference.norm().item<float>();

    [Fact]
    public void OurConvolutionAndLinearLayersAreTorchSharpsInFloat32()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var conv = new AutocastConv2d(4, 6, 3, stride: 2, padding: 1);
        manual_seed(3);
        using var torchConv = nn.Conv2d(4, 6, 3, stride: 2, padding: 1);
        Assert.Equal(torchConv.state_dict().Keys, conv.state_dict().Keys);
        Assert.Equal(torchConv.weight!.data<float>().ToArray(), conv.Weight.data<float>().ToArray());
        Assert.Equal(torchConv.bias!.data<float>().ToArray(), conv.Bias!.data<float>().ToArray());
        var image = randn(2, 4, 9, 9);
        Assert.Equal(torchConv.call(image).data<float>().ToArray(), conv.call(image).data<float>().ToArray());

        manual_seed(4);
        using var linear = new AutocastLinear(5, 3);
        manual_seed(4);
        using var torchLinear = nn.Linear(5, 3);
        Assert.Equal(torchLinear.state_dict().Keys, linear.state_dict().Keys);
        var rows = randn(7, 5);
        Assert.Equal(torchLinear.call(rows).data<float>().ToArray(), linear.call(rows).data<float>().ToArray());
    }

    // As TorchSharp's layers, ours own their parameters: a model built inside a dispose scope (the probes build one) outlives it.
    [Fact]
    public void LayersBuiltInsideADisposeScopeOutliveIt()
    {
        AutocastConv2d conv;
        AutocastLinear linear;
        Conv2dNorm convNorm;
        using (NewDisposeScope())
        {
            conv = new AutocastConv2d(3, 4, 3, padding: 1);
            linear = new AutocastLinear(4, 2);
            convNorm = new Conv2dNorm(3, 4, 3, 1, NormKind.None);
        }
        using var scope = NewDisposeScope();
        var image = randn(1, 3, 8, 8);
        Assert.Equal([1L, 4, 8, 8], conv.call(image).shape);
        Assert.Equal([1L, 4, 8, 8], convNorm.call(image).shape);
        Assert.Equal([1L, 2], linear.call(randn(1, 4)).shape);
        conv.Dispose();
        linear.Dispose();
        convNorm.Dispose();
    }

    [Theory]
    [InlineData(Precision.Bf16, ScalarType.BFloat16, 0.01)]
    [InlineData(Precision.Fp16, ScalarType.Float16, 0.002)]
    public void InARegionConvolutionsComputeInLowPrecisionAndGiveFloat32OutputsAndGradients(Precision precision, ScalarType type, double tolerance)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var conv = new AutocastConv2d(8, 16, 3, padding: 1);
        using var linear = new AutocastLinear(16, 4);
        var image = randn(2, 8, 12, 12);
        Tensor Forward() => linear.call(conv.call(image).relu().mean([2, 3]));

        var reference = Forward();
        reference.pow(S(2)).sum().backward();
        var referenceGrad = conv.Weight.grad!.clone();
        conv.zero_grad();
        linear.zero_grad();

        Tensor low;
        using (Autocast.Enter(precision))
        {
            Assert.Equal(type, Autocast.Current);
            low = Forward();
        }
        Assert.Null(Autocast.Current);
        low.pow(S(2)).sum().backward();
        Assert.Equal(ScalarType.Float32, low.dtype);
        Assert.Equal(ScalarType.Float32, conv.Weight.grad!.dtype);
        // Close to float32, and not float32 itself: the region changed the arithmetic.
        Assert.InRange(RelativeError(low, reference), 1e-6, tolerance);
        Assert.InRange(RelativeError(conv.Weight.grad!, referenceGrad), 1e-6, tolerance * 2);
        // Out of the region, float32 again, bit for bit.
        Assert.Equal(reference.data<float>().ToArray(), Forward().data<float>().ToArray());
    }

    [Fact]
    public void RegionsNestAndFp32IsNoRegion()
    {
        using (Autocast.Enter(Precision.Bf16))
        {
            using (Autocast.Enter(Precision.Fp32)) Assert.Null(Autocast.Current);
            Assert.Equal(ScalarType.BFloat16, Autocast.Current);
        }
        Assert.Null(Autocast.Current);
    }

    [Fact]
    public void MatmulComputesInTheGivenTypeAndReturnsFloat32()
    {
        using var scope = NewDisposeScope();
        var a = randn(64, 32, generator: new Generator(1));
        var b = randn(32, 48, generator: new Generator(2));
        var exact = a.matmul(b);
        Assert.Equal(exact.data<float>().ToArray(), Autocast.Matmul(a, b, null).data<float>().ToArray());
        var low = Autocast.Matmul(a, b, ScalarType.BFloat16);
        Assert.Equal(ScalarType.Float32, low.dtype);
        Assert.InRange(RelativeError(low, exact), 1e-6, 0.01);
    }

    // train.precision reaches a layer only if it is ours: a model built with TorchSharp's own would stay float32 unseen.
    [Fact]
    public void ModelsUseOurConvolutionAndLinearLayers()
    {
        var direct = new Regex(@"nn\.(Conv2d|Linear)\(|nn\.functional\.(conv2d|linear)\(");
        string[] models = [Path.Combine("Dupr.Core", "Modeling"), Path.Combine("Dupr.Detection", "Modeling"), Path.Combine("Dupr.Pretrain", "Model")];
        var offenders = models.SelectMany(m => Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "src", m), "*.cs", SearchOption.AllDirectories))
            .Where(f => Path.GetFileName(f) != "Autocast.cs")
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => direct.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(TestPaths.RepoRoot, x.f)}:{x.i + 1}")
            .ToList();
        Assert.True(offenders.Count == 0, $"build convolutions and linear layers as AutocastConv2d / AutocastLinear: {string.Join(", ", offenders)}");
    }
}
