using Dupr.Tests;
using Newtonsoft.Json.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Ops;

/// <summary>Golden ops cases made by torchvision, in tests/fixtures/ops.</summary>
internal static class OpsFixtures
{
    static string Folder => Path.Combine(TestPaths.Fixtures, "ops");

    /// <summary>Names of the fixture files that start with <paramref name="prefix"/>, in order.</summary>
    public static IEnumerable<string> Names(string prefix) =>
        Directory.GetFiles(Folder, prefix + "*.json").Order().Select(p => Path.GetFileName(p)!);

    /// <summary>Reads a fixture named as <see cref="Names"/> lists it.</summary>
    public static JObject Load(string name) => JObject.Parse(File.ReadAllText(Path.Combine(Folder, name)));

    /// <summary>All numbers of a (possibly nested) JSON array, in row-major order.</summary>
    public static double[] Numbers(JToken token) =>
        token.Type == JTokenType.Array ? token.Children().SelectMany(Numbers).ToArray() : [token.Value<double>()];

    /// <summary>A tensor of <paramref name="shape"/> from a JSON array.</summary>
    public static Tensor Tensor(JToken token, ScalarType dtype, params long[] shape) =>
        tensor(Numbers(token), dtype: dtype).reshape(shape);

    /// <summary>
    /// Asserts |actual - expected| &lt;= rtol * max |expected| for every element: the relative error in the
    /// max norm, so elements that cancel to almost zero are held to the tensor's scale, not their own.
    /// </summary>
    public static void AssertClose(Tensor actual, Tensor expected, double rtol, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var a = actual.detach().to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        var e = expected.detach().to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        double tolerance = rtol * (e.Length == 0 ? 0 : e.Max(Math.Abs));
        for (int i = 0; i < e.Length; i++)
            if (!(Math.Abs(a[i] - e[i]) <= tolerance))
                Assert.Fail($"{what}[{i}]: got {a[i]:R}, expected {e[i]:R} (|diff| {Math.Abs(a[i] - e[i]):E2} > {tolerance:E2})");
    }
}
