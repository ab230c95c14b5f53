using Dupr.Detection.Data.Coco;
using Dupr.Detection.Evaluation;
using Dupr.Tests;
using Newtonsoft.Json.Linq;
using Dupr.Detection.Evaluation.Coco;

namespace Dupr.Detection.Tests.Evaluation;

/// <summary>
/// One case per COCOeval rule (crowd, area boundaries, categories without ground truth or detections, ties,
/// loadRes rules, ground-truth id 0, random scenes) in tests/fixtures/coco-eval-extra, scored by pycocotools
/// (tools/reference/make_coco_eval_extra.py): stats and per-category AP.
/// </summary>
public sealed class CocoEvalExtraTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string dir in Directory.GetDirectories(Path.Combine(TestPaths.Fixtures, "coco-eval-extra")).Order())
            foreach (string type in new[] { "bbox", "segm" })
                data.Add(Path.GetFileName(dir), type);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StatsAndCategoryApMatchPycocotools(string caseName, string iouType)
    {
        string dir = Path.Combine(TestPaths.Fixtures, "coco-eval-extra", caseName);
        CocoEvalResult result = CocoEvaluator.Evaluate(
            CocoReader.Read(Path.Combine(dir, "gt.json")),
            CocoResultsReader.Read(Path.Combine(dir, $"dt_{iouType}.json")),
            iouType == "bbox" ? CocoIouType.Bbox : CocoIouType.Segm);

        JObject expected = JObject.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
        Assert.Equal(expected["category_ids"]!.Values<long>(), result.Categories.Select(c => c.Id));
        double[] stats = expected[iouType]!["stats"]!.Values<double>().ToArray();
        for (int i = 0; i < stats.Length; i++)
            Assert.True(Math.Abs(stats[i] - result.Stats[i]) <= 1e-6, $"{CocoEvalResult.StatNames[i]}: expected {stats[i]}, got {result.Stats[i]}");
        JToken[] perCategory = expected[iouType]!["per_category_AP"]!.ToArray();
        for (int k = 0; k < perCategory.Length; k++)
        {
            if (perCategory[k].Type == JTokenType.Null) Assert.True(double.IsNaN(result.CategoryAp[k]), $"category {k}: expected undefined");
            else Assert.True(Math.Abs((double)perCategory[k] - result.CategoryAp[k]) <= 1e-6, $"category {k}: expected {perCategory[k]}, got {result.CategoryAp[k]}");
        }
    }
}
