using Dupr.Core.Modeling;
using Dupr.Core.Runtime;
using Dupr.Tests;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Modeling;

/// <summary>Small ResNets, the torchvision fixtures in tests/fixtures/resnet and a tensor comparison.</summary>
internal static class ModelingFixtures
{
    /// <summary>tests/fixtures/resnet (made by tools/reference/make_resnet_fixture.py).</summary>
    public static string ResNetDir => Path.Combine(TestPaths.Fixtures, "resnet");

    /// <summary>A trainable BN ResNet of the given depth and width, all stages out.</summary>
    public static ResNet Create(int depth, int width = 16, int? numClasses = null, NormKind norm = NormKind.BN, int freezeAt = 0,
                                List<string>? outFeatures = null)
    {
        TorchRuntime.EnsureLoaded();
        return new ResNet(new ResNetConfig
        {
            Depth = depth, Width = width, NumClasses = numClasses, Norm = norm, FreezeAt = freezeAt,
            OutFeatures = outFeatures ?? ["res2", "res3", "res4", "res5"],
        });
    }

    /// <summary>torchvision's state_dict keys and shapes for resnet{depth}, in torchvision's order.</summary>
    public static List<(string Key, long[] Shape)> TorchVisionKeys(int depth) =>
        JArray.Parse(File.ReadAllText(Path.Combine(ResNetDir, $"keys_resnet{depth}.json")))
            .Select(e => ((string)e["key"]!, e["shape"]!.Select(d => (long)d).ToArray()))
            .ToList();

    /// <summary>Same shape, dtype and values (Tensor.equal is element-wise in TorchSharp 0.107).</summary>
    public static bool Identical(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        return actual.dtype == expected.dtype && actual.shape.SequenceEqual(expected.shape) && actual.eq(expected).all().item<bool>();
    }

    /// <summary>max |actual - expected| / max |expected|.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        return (actual - expected).abs().max().item<float>() / expected.abs().max().item<float>();
    }
}
