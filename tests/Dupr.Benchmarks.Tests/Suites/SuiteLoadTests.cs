using Dupr.Benchmarks.Paper;
using Dupr.Benchmarks.Suites;
using Dupr.Benchmarks.Tests.Runner;
using Dupr.Core.Runtime;
using Dupr.Tests;
using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Tests.Suites;

public class SuiteLoadTests
{
    static string ErrorOf(Action<JObject> edit)
    {
        using var temp = TestPaths.Temp();
        return Assert.ThrowsAny<DuprException>(() => SuiteFixtures.EditedJson(temp, edit)).Message;
    }

    [Fact]
    public void AnUnknownKeyIsRejectedWithTheValidOnesListed()
    {
        string message = ErrorOf(j => j["finetunings"]![0]!["metric"] = new JArray("voc.AP"));
        Assert.Contains("unknown key 'finetunings[0].metric'", message);
        Assert.Contains("valid keys at 'finetunings[0]': name, label, config, set, data, metrics", message);
    }

    [Theory]
    [InlineData("references", "[\"nobody\"]", "'nobody' is not a pre-training name")]
    [InlineData("seeds", "[1, 1]", "seeds must be distinct")]
    [InlineData("name", "\"Mini Suite\"", "must be lower case")]
    public void SuiteLevelMistakesAreNamed(string key, string value, string expected) =>
        Assert.Contains(expected, ErrorOf(j => j[key] = JToken.Parse(value)));

    [Fact]
    public void MetricNamesAndPaperMappingsAreChecked()
    {
        Assert.Contains("expected voc.{AP,AP50,AP75}", ErrorOf(j => j["finetunings"]![0]!["metrics"] = new JArray("voc.mAP")));
        Assert.Contains("metric 'bbox.AP75' is not in the fine-tuning's metrics",
            ErrorOf(j => j["finetunings"]![0]!["paper"]![0]!["metrics"]!["bbox.AP75"] = "AP75"));
        Assert.Contains("appears twice", ErrorOf(j => j["pretrainings"]![2]!["name"] = "mocov2"));
        Assert.Contains("init weights needs a weights file", ErrorOf(j => j["pretrainings"]![0]!["init"] = "weights"));
    }

    [Fact]
    public void APaperRowThatDoesNotExistIsAProblem()
    {
        using var temp = TestPaths.Temp();
        var suite = SuiteFixtures.EditedJson(temp, j => j["pretrainings"]![2]!["paper"]!["epochs"] = 800);
        var check = SuiteValidator.Check(suite, PaperTable.Load(PaperTable.DirectoryIn(TestPaths.RepoRoot)));
        Assert.Equal(3, check.Problems.Count); // DUPR has no 800-epoch row: AP, AP50, AP75
        Assert.All(check.Problems, p => Assert.Contains("0 paper rows for table1 / VOC07+12 Faster R-CNN R50-C4 24k / DUPR (800 ep)", p));
    }

    [Fact]
    public void BboxMetricsOfAVocRecipeNeedTheCocoGroundTruth()
    {
        using var temp = TestPaths.Temp();
        var suite = SuiteFixtures.EditedJson(temp, j => ((JObject)j["finetunings"]![0]!).Remove("coco_gt"));
        var check = SuiteValidator.Check(suite, PaperTable.Load(PaperTable.DirectoryIn(TestPaths.RepoRoot)));
        Assert.Contains(check.Problems, p => p.Contains("need coco_gt"));
    }
}
