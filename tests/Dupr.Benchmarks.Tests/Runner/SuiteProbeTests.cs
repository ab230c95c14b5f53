using Dupr.Benchmarks.Reports;
using Dupr.Benchmarks.Runner;
using Dupr.Benchmarks.Suites;
using Dupr.Core.Runtime;
using Dupr.Tests;
using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Tests.Runner;

/// <summary>A suite's probes and claims: planning, results rows, validation.</summary>
public sealed class SuiteProbeTests
{
    static Suite WithProbes(TempDirectory temp, Action<JObject>? more = null) => SuiteFixtures.EditedJson(temp, json =>
    {
        json["probes"] = new JObject { ["config"] = json["finetunings"]![0]!["config"]!.ToString(), ["set"] = json["finetunings"]![0]!["set"]!.DeepClone(), ["view_size"] = 64 };
        more?.Invoke(json);
    });

    [Fact]
    public void RandomInitIsProbedOncePerSeedAndEachPretrainingOnceAndTheRowsJoinTheResults()
    {
        using var temp = TestPaths.Temp();
        var plan = SuitePlan.Build(WithProbes(temp), temp.File("out"), data: null);
        Assert.Empty(plan.Problems);
        Assert.Equal(["probe-random-s0", "probe-random-s1", "probe-mocov2-s0", "probe-dupr-s0"], plan.Probes.Select(p => p.Stage.Name));
        Assert.Null(plan.Probes[0].Stage.Weights);
        Assert.Equal(plan.Pretrainings[0].Stage.Backbone, plan.Probes[2].Stage.Weights);
        Assert.NotEqual(plan.Probes[0].Stage.Hash, plan.Probes[1].Stage.Hash);

        new SuiteRunner(new FakeStageExecutor(), _ => { }).Run(plan);
        var probeRows = SuiteResults.Collect(plan).Where(r => r.Finetuning == SuiteProbeSpec.ResultsName).ToList();
        Assert.Equal(4, probeRows.Count);
        Assert.All(probeRows, r => Assert.Equal("knn.res5", r.Metric));
        Assert.Equal([0L, 1L], probeRows.Where(r => r.Pretraining == "random").Select(r => r.Seed));
        string? table = SuiteReport.ProbeTable(plan.Suite.Spec, SuiteResults.Collect(plan));
        Assert.NotNull(table);
        Assert.Contains("knn.res5", table);
    }

    [Theory]
    [InlineData("""{ "better": "mocov2", "than": "nobody", "on": "voc_c4", "min_gain": { "voc.AP50": 1 } }""", "'nobody' is not a pre-training name")]
    [InlineData("""{ "better": "mocov2", "than": "mocov2", "on": "voc_c4", "min_gain": { "voc.AP50": 1 } }""", "compares a pre-training with itself")]
    [InlineData("""{ "better": "mocov2", "than": "random", "on": "nowhere", "min_gain": { "voc.AP50": 1 } }""", "on must be a fine-tuning name or 'probe'")]
    [InlineData("""{ "better": "mocov2", "than": "random", "on": "voc_c4", "min_gain": { "segm.AP": 1 } }""", "metric 'segm.AP' is not collected")]
    [InlineData("""{ "better": "mocov2", "than": "random", "on": "voc_c4", "min_gain": {} }""", "min_gain names no metric")]
    public void BadClaimsAreRefusedWithTheirReason(string claim, string message)
    {
        using var temp = TestPaths.Temp();
        var error = Assert.Throws<DuprException>(() => WithProbes(temp, json => json["claims"] = new JArray(JObject.Parse(claim))));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void ProbeClaimsAreAcceptedWhenTheSuiteHasProbes()
    {
        using var temp = TestPaths.Temp();
        var suite = WithProbes(temp, json => json["claims"] = new JArray(JObject.Parse(
            """{ "better": "mocov2", "than": "random", "on": "probe", "min_gain": { "knn.res5": 10 } }""")));
        Assert.Equal("probe", Assert.Single(suite.Spec.Claims).On);
    }
}
