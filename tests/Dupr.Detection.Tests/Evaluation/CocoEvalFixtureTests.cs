using Dupr.Detection.Data.Coco;
using Dupr.Detection.Evaluation;
using Dupr.Tests;
using Newtonsoft.Json.Linq;
using Dupr.Detection.Evaluation.Coco;

namespace Dupr.Detection.Tests.Evaluation;

/// <summary>Every case in tests/fixtures/coco-eval: our stats against pycocotools' COCOeval.summarize().</summary>
public sealed class CocoEvalFixtureTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string dir in Directory.GetDirectories(Path.Combine(TestPaths.Fixtures, "coco-eval")).Order())
            foreach (string type in new[] { "bbox", "segm" })
                data.Add(Path.GetFileName(dir), type);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StatsMatchPycocotools(string caseName, string iouType)
    {
        string dir = Path.Combine(TestPaths.Fixtures, "coco-eval", caseName);
        CocoDataset gt = CocoReader.Read(Path.Combine(dir, "gt.json"));
        CocoResults dt = CocoResultsReader.Read(Path.Combine(dir, $"dt_{iouType}.json"));
        CocoEvalResult result = CocoEvaluator.Evaluate(gt, dt, iouType == "bbox" ? CocoIouType.Bbox : CocoIouType.Segm);

        JObject expected = JObject.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
        Assert.Equal(CocoEvalResult.StatNames, expected["names"]!.Values<string>());
        double[] stats = expected[iouType]!.Values<double>().ToArray();
        for (int i = 0; i < stats.Length; i++)
            Assert.True(Math.Abs(stats[i] - result.Stats[i]) <= 1e-6, $"{CocoEvalResult.StatNames[i]}: expected {stats[i]}, got {result.Stats[i]}");
    }
}
