using Dupr.Detection.Data.Voc;
using Dupr.Detection.Evaluation;
using Dupr.Tests;
using Newtonsoft.Json.Linq;
using Dupr.Detection.Evaluation.Voc;

namespace Dupr.Detection.Tests.Evaluation;

/// <summary>Every case in tests/fixtures/voc-eval, both metrics, against detectron2's PascalVOCDetectionEvaluator numbers.</summary>
public sealed class VocEvalFixtureTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string dir in Directory.GetDirectories(Path.Combine(TestPaths.Fixtures, "voc-eval")).Order())
            foreach (string metric in new[] { "voc07_11point", "area" })
                data.Add(Path.GetFileName(dir), metric);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MetricsMatchDetectron2(string caseName, string metric)
    {
        string dir = Path.Combine(TestPaths.Fixtures, "voc-eval", caseName);
        VocDevkit devkit = VocDevkit.Open(Path.Combine(dir, "VOCdevkit"), "2007");
        VocDetections detections = VocResultsReader.Read(Path.Combine(dir, "results"), VocClasses.Names);
        VocEvalResult result = VocEvaluator.Evaluate(devkit.ReadAnnotations("test"), detections,
            metric == "area" ? VocMetric.Area : VocMetric.ElevenPoint, VocClasses.Names);

        JToken expected = JObject.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")))[metric]!;
        AssertClose((double)expected["AP"]!, result.AP, "AP");
        AssertClose((double)expected["AP50"]!, result.AP50, "AP50");
        AssertClose((double)expected["AP75"]!, result.AP75, "AP75");
        for (int c = 0; c < VocClasses.Names.Count; c++)
            AssertClose((double)expected["per_class_AP50"]![VocClasses.Names[c]]!, result.ClassAp50[c], VocClasses.Names[c]);
    }

    static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-6, $"{what}: expected {expected}, got {actual}");
}
