using Dupr.Detection.Evaluation;
using Dupr.Tests;
using Newtonsoft.Json.Linq;

namespace Dupr.Detection.Tests.Evaluation;

/// <summary>NumPy's argsort order for ties and its float sums, against tests/fixtures/numpy (tools/reference/make_numpy_fixtures.py).</summary>
public sealed class NumpyOrderTests
{
    static readonly JObject Fixture = JObject.Parse(File.ReadAllText(Path.Combine(TestPaths.Fixtures, "numpy", "numpy_order.json")));

    [Fact]
    public void ArgsortOfTiedValuesMatchesNumpyQuicksort()
    {
        foreach (JToken c in Fixture["argsort"]!)
        {
            int n = (int)c["n"]!, distinct = (int)c["distinct"]!;
            double[] negated = Enumerable.Range(0, n).Select(i => -((double)((i * 37 + i / 3) % distinct) / distinct)).ToArray();
            Assert.Equal(c["argsort_of_negated"]!.Values<int>(), NumpyArgsort.Argsort(negated));
        }
    }

    [Fact]
    public void SumAndMeanMatchNumpyBitForBit()
    {
        foreach (JToken c in Fixture["sum"]!)
        {
            int n = (int)c["n"]!;
            double[] values = Enumerable.Range(0, n).Select(i => (double)(i * 7919 % 1000) / 7.0 + (double)(i % 13) * 1e-3).ToArray();
            Assert.Equal((double)c["sum"]!, NumpySum.Sum(values));
            if (n > 0) Assert.Equal((double)c["mean"]!, NumpySum.Mean(values));
        }
    }
}
