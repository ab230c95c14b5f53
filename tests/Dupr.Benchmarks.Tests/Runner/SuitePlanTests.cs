using System.Security.Cryptography;
using System.Text;
using Dupr.Benchmarks.Runner;
using Dupr.Tests;
using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Tests.Runner;

public class SuitePlanTests
{
    static Dictionary<string, string> Hashes(SuitePlan plan) => plan.Stages.ToDictionary(s => s.Name, s => s.Hash);

    [Fact]
    public void AKeyHashesItsCompactJson()
    {
        var key = new JObject { ["stage"] = "pretrain", ["seed"] = 3, ["lr"] = 0.06, ["list"] = new JArray(1, 2) };
        string expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("""{"stage":"pretrain","seed":3,"lr":0.06,"list":[1,2]}""")));
        Assert.Equal(expected[..StageKey.HashLength], StageKey.Hash(key));
    }

    [Fact]
    public void PlanningTwiceGivesTheSameStagesAndHashesWhereverTheOutputIs()
    {
        using var temp = TestPaths.Temp();
        var a = SuitePlan.Build(SuiteFixtures.Tiny(), temp.File("a"), data: null);
        var b = SuitePlan.Build(SuiteFixtures.Tiny(), temp.File("b"), data: null);
        Assert.Empty(a.Problems);
        Assert.Empty(a.MissingInputs);
        Assert.Equal(Hashes(a), Hashes(b));
        // data, 2 pre-trainings, then 3 initialisations x 2 seeds x (fine-tune, evaluate)
        Assert.Equal(1 + 2 + 3 * 2 * 2, a.Stages.Count);
        Assert.Equal(6, a.Evaluations.Count);
        Assert.All(a.Stages, s => Assert.Equal(Path.Combine(temp.File("a"), SuitePlan.StagesFolder, $"{s.Name}-{s.Hash}"), s.Directory));
    }

    [Fact]
    public void APretrainingOverrideChangesItsStageAndEverythingDownstreamOfItOnly()
    {
        using var temp = TestPaths.Temp();
        var before = Hashes(SuitePlan.Build(SuiteFixtures.Edited(temp, t => t), temp.Path, data: null));
        var after = Hashes(SuitePlan.Build(SuiteFixtures.Edited(temp, t => t.Replace("\"contrast.patch_keys_per_batch=4\"", "\"contrast.patch_keys_per_batch=2\"")), temp.Path, data: null));
        Assert.Equal(before.Keys, after.Keys);
        var changed = before.Keys.Where(k => before[k] != after[k]).Order().ToList();
        Assert.Equal(["evaluate-voc_c4-dupr-s0", "evaluate-voc_c4-dupr-s1", "finetune-voc_c4-dupr-s0", "finetune-voc_c4-dupr-s1", "pretrain-dupr"], changed);
    }

    [Fact]
    public void SeedsKeyTheFineTuningsAndTheSyntheticWorldKeysEverything()
    {
        using var temp = TestPaths.Temp();
        var plan = SuitePlan.Build(SuiteFixtures.Tiny(), temp.Path, data: null);
        var hashes = Hashes(plan);
        Assert.NotEqual(hashes["finetune-voc_c4-random-s0"], hashes["finetune-voc_c4-random-s1"]);
        Assert.Equal(1, (int)plan.Stages.OfType<FinetuneStage>().First(s => s.Seed == 1).Key["config"]!["train"]!["seed"]!);

        var otherWorld = Hashes(SuitePlan.Build(SuiteFixtures.Edited(temp, t => t.Replace("\"seed\": 5", "\"seed\": 6")), temp.Path, data: null));
        Assert.All(hashes.Keys, k => Assert.NotEqual(hashes[k], otherWorld[k]));
    }

    [Fact]
    public void EntriesWithTheSameRecipeShareOneStage()
    {
        using var temp = TestPaths.Temp();
        // A second name for the MoCo v2 recipe, as the paper's ablation tables list some runs twice.
        var suite = SuiteFixtures.EditedJson(temp, json =>
        {
            var pretrainings = (JArray)json["pretrainings"]!;
            var copy = (JObject)pretrainings[1].DeepClone();
            copy["name"] = "mocov2_again";
            copy.Remove("paper");
            pretrainings.Add(copy);
        });
        var plan = SuitePlan.Build(suite, temp.Path, data: null);
        Assert.Equal(4 * 2, plan.Evaluations.Count);
        Assert.Equal(3, plan.Pretrainings.Count);
        Assert.Same(plan.Pretrainings[0].Stage, plan.Pretrainings[2].Stage);
        foreach (long seed in new long[] { 0, 1 })
            Assert.Single(plan.Evaluations.Where(e => e.Pretraining.Name.StartsWith("mocov2") && e.Seed == seed).Select(e => e.Stage).Distinct());
        Assert.Equal(1 + 2 + 3 * 2 * 2, plan.Stages.Count);
        Assert.Equal(plan.Stages.Count, plan.Stages.Select(s => s.Hash).Distinct().Count());
    }

    [Fact]
    public void RealDatasetsWithoutDataAreListedAsMissingButStillPlanned()
    {
        using var temp = TestPaths.Temp();
        var suite = SuiteFixtures.Edited(temp, t => t.Replace("\"data\": { \"synthetic\": { \"train\": 8, \"val\": 4, \"unlabeled\": 16, \"size\": 64, \"classes\": 2, \"seed\": 5 } }",
            "\"data\": { \"unlabeled\": \"imagenet/train\" }"));
        var plan = SuitePlan.Build(suite, temp.Path, data: null);
        Assert.Empty(plan.Problems);
        Assert.Contains(plan.MissingInputs, m => m.Contains("--data"));
        Assert.DoesNotContain(plan.Stages, s => s is DataStage);
        Assert.Equal(2 + 12, plan.Stages.Count);
    }
}
