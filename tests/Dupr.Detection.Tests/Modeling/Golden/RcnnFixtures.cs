using Dupr.Tests;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling.Golden;

/// <summary>Golden R-CNN cases made by torchvision 0.14, in tests/fixtures/rcnn (tools/reference/make_rcnn_fixtures.py).</summary>
internal static class RcnnFixtures
{
    /// <summary>The cases of <paramref name="file"/>; fails if it is missing or holds none.</summary>
    public static IReadOnlyList<JObject> Cases(string file)
    {
        string path = Path.Combine(TestPaths.Fixtures, "rcnn", file);
        Assert.True(File.Exists(path), $"{path} is missing (tools/reference/make_rcnn_fixtures.py makes it)");
        var cases = JObject.Parse(File.ReadAllText(path))["cases"]!.Cast<JObject>().ToList();
        Assert.NotEmpty(cases);
        return cases;
    }

    /// <summary>All numbers of a (possibly nested) JSON array, in row-major order.</summary>
    public static double[] Numbers(JToken token) =>
        token.Type == JTokenType.Array ? token.Children().SelectMany(Numbers).ToArray() : [token.Value<double>()];

    /// <summary>A tensor of <paramref name="shape"/> from a JSON array.</summary>
    public static Tensor Tensor(JToken token, ScalarType dtype, params long[] shape) =>
        tensor(Numbers(token), dtype: ScalarType.Float64).to_type(dtype).reshape(shape);

    /// <summary>[N, 4] boxes from a JSON array of N rows (N may be 0).</summary>
    public static Tensor Boxes(JToken token, ScalarType dtype) => Tensor(token, dtype, token.Count(), 4);

    /// <summary>An int64 tensor from a JSON array of integers.</summary>
    public static Tensor Longs(JToken token) => tensor(token.Values<long>().ToArray(), dtype: ScalarType.Int64);

    /// <summary>The values of a tensor as float64, row-major (TorchSharp's data accessor fails on empty tensors).</summary>
    public static double[] Doubles(Tensor t) => t.numel() == 0 ? [] : t.detach().to_type(ScalarType.Float64).cpu().data<double>().ToArray();

    /// <summary>Asserts |actual - expected| &lt;= rtol * max(|expected|, 1e-3) for every element (relative to the tensor's scale).</summary>
    public static void AssertClose(Tensor actual, Tensor expected, double rtol, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var a = Doubles(actual);
        var e = Doubles(expected);
        double tolerance = rtol * Math.Max(e.Length == 0 ? 0 : e.Max(Math.Abs), 1e-3);
        for (int i = 0; i < e.Length; i++)
            if (!(Math.Abs(a[i] - e[i]) <= tolerance))
                Assert.Fail($"{what}[{i}]: got {a[i]:R}, expected {e[i]:R} (|diff| {Math.Abs(a[i] - e[i]):E2} > {tolerance:E2})");
    }

    /// <summary>Asserts a scalar is within <paramref name="rtol"/> of <paramref name="expected"/> (absolutely below 1).</summary>
    public static void AssertClose(double actual, double expected, double rtol, string what) =>
        Assert.True(Math.Abs(actual - expected) <= rtol * Math.Max(Math.Abs(expected), 1),
                    $"{what}: got {actual:R}, expected {expected:R}");
}
