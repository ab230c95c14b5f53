using Dupr.Tests;
using Newtonsoft.Json.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Imaging;

/// <summary>Reads tests/fixtures/images/torchvision_ops.json: named tensors made by tools/reference/make_image_fixtures.py.</summary>
public static class TorchvisionFixture
{
    static readonly Lazy<JObject> Cases = new(() =>
        (JObject)JObject.Parse(File.ReadAllText(Path.Combine(TestPaths.Fixtures, "images", "torchvision_ops.json")))["cases"]!);

    /// <summary>The tensor stored under <paramref name="name"/>.</summary>
    public static Tensor Get(string name)
    {
        JToken entry = Cases.Value[name] ?? throw new KeyNotFoundException($"no fixture case '{name}'");
        long[] shape = entry["shape"]!.ToObject<long[]>()!;
        byte[] data = Convert.FromBase64String((string)entry["data"]!);
        ScalarType dtype = (string)entry["dtype"]! == "uint8" ? ScalarType.Byte : ScalarType.Float32;
        Tensor result = empty(shape, dtype);
        result.bytes = data;
        return result;
    }

    /// <summary>Largest absolute difference between two tensors, as double.</summary>
    public static double MaxDiff(Tensor a, Tensor b)
    {
        Assert.Equal(b.shape, a.shape);
        using var scope = NewDisposeScope();
        return (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();
    }
}
