using System.Globalization;
using Dupr.Tests;
using Newtonsoft.Json.Linq;

namespace Dupr.Cli.Tests.Commands;

public class BenchSuiteCommandTests
{
    static readonly string Paper = Path.Combine(TestPaths.RepoRoot, "eval", "paper");

    // The tiny test suite copied into temp with one seed (config paths made absolute), edited by the caller.
    static string TinySuite(TempDirectory temp, Action<JObject>? edit = null)
    {
        string text = File.ReadAllText(Path.Combine(TestPaths.Fixtures, "suites", "tiny.json"))
            .Replace("../../../configs/", Path.Combine(TestPaths.RepoRoot, "configs") + "/");
        var json = JObject.Parse(text);
        json["seeds"] = new JArray(0);
        edit?.Invoke(json);
        string path = temp.File("tiny.json");
        File.WriteAllText(path, json.ToString());
        return path;
    }

    [Fact]
    public void ThePaperScaleTable1DryRunsHereListingItsStagesAndTheDataItNeeds()
    {
        using var temp = TestPaths.Temp();
        var r = CliRunner.Run("bench", "run", "--suite", Path.Combine(TestPaths.RepoRoot, "eval", "suites", "table1.json"), "--output", temp.File("out"), "--dry-run");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("pretrain-dupr ", r.Stdout);
        Assert.Contains("evaluate-voc_c4_24k-supervised-s4 ", r.Stdout);
        Assert.Contains("stages: 62 to run", r.Stdout); // 2 pre-trainings + 6 initialisations x 5 seeds x (fine-tune, evaluate); no data stage
        Assert.Contains("missing input: --data", r.Stdout);
        Assert.False(Directory.Exists(temp.File("out")));
    }

    [Fact]
    public void ADryRunWithAConfigThatDoesNotLoadFailsAndSaysWhich()
    {
        using var temp = TestPaths.Temp();
        string suite = TinySuite(temp, j => j["finetunings"]![0]!["config"] = "no_such_recipe.json");
        var r = CliRunner.Run("bench", "run", "--suite", suite, "--output", temp.File("out"), "--dry-run", "--paper", Paper);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("cannot plan: finetuning 'voc_c4':", r.Stdout);
        Assert.Contains("no_such_recipe.json: config file not found", r.Stdout);
    }

    [Fact]
    public void TheTinySuiteRunsEndToEndIsReusedResumesAKilledStageAndIsGatedByCheck()
    {
        using var temp = TestPaths.Temp();
        string suite = TinySuite(temp), output = temp.File("out");
        string[] run = ["bench", "run", "--suite", suite, "--output", output, "--paper", Paper, "--device", "cpu", "--threads", "2"];

        var first = CliRunner.Run(run);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("| DUPR | 1 |", first.Stdout);
        Assert.Contains("9 stages (9 run now, 0 reused)", first.Stdout);
        Assert.Contains($"report: {Path.Combine(output, "report.md")}", first.Stdout);
        string results = Path.Combine(output, "results.csv");
        Assert.Equal(1 + 3 * 5, File.ReadAllLines(results).Length);
        Assert.True(File.Exists(Path.Combine(output, "plots", "pretrain_loss_dupr.png")));

        var again = CliRunner.Run(run);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("9 stages (0 run now, 9 reused)", again.Stdout);

        // A kill after the fine-tuning's last checkpoint, before its weights and done marker: the rerun resumes that stage only.
        string stage = Directory.GetDirectories(Path.Combine(output, "stages"), "finetune-voc_c4-dupr-s0-*").Single();
        File.Delete(Path.Combine(stage, "done.json"));
        File.Delete(Path.Combine(stage, "run", "model_final.dat"));
        var resumed = CliRunner.Run(run);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("9 stages (1 run now, 8 reused)", resumed.Stdout);
        Assert.Contains("finetune-voc_c4-dupr-s0: resuming", resumed.Stderr);
        Assert.Contains("resumed from", resumed.Stderr);

        // The gate: the run's own numbers as a baseline pass; one planted 5 points higher fails.
        var rows = File.ReadAllLines(results).Skip(1).Select(l => l.Split(',')).ToList();
        string baseline = temp.File("baseline.csv");
        File.WriteAllLines(baseline, rows.Select(c => $"{c[1]},{c[2]},{c[4]},{c[5]},").Prepend("finetuning,pretraining,metric,value,tolerance"));
        var pass = CliRunner.Run("bench", "check", "--results", results, "--baseline", baseline);
        Assert.True(pass.ExitCode == 0, pass.Stdout + pass.Stderr);
        Assert.Contains("PASSED: 0 regression(s), 0 missing, 15 within tolerance", pass.Stdout);

        var planted = rows.Select((c, i) => i == 0
            ? $"{c[1]},{c[2]},{c[4]},{(double.Parse(c[5], CultureInfo.InvariantCulture) + 5).ToString(CultureInfo.InvariantCulture)},0.5" : $"{c[1]},{c[2]},{c[4]},{c[5]},");
        File.WriteAllLines(baseline, planted.Prepend("finetuning,pretraining,metric,value,tolerance"));
        var fail = CliRunner.Run("bench", "check", "--results", results, "--baseline", baseline);
        Assert.Equal(1, fail.ExitCode);
        Assert.Contains($"FAIL     voc_c4 / {rows[0][2]} / {rows[0][4]}", fail.Stdout);
        Assert.Contains("FAILED: 1 regression(s)", fail.Stdout);
    }

    [Fact]
    public void TheTinySuiteWithProbesAndClaimsRunsInTwoJobsOfChildProcesses()
    {
        using var temp = TestPaths.Temp();
        string suite = TinySuite(temp, j =>
        {
            var f = j["finetunings"]![0]!;
            j["probes"] = new JObject { ["config"] = f["config"]!.ToString(), ["set"] = f["set"]!.DeepClone(), ["view_size"] = 64, ["pairs"] = 4, ["max_boxes"] = 8 };
            j["claims"] = JArray.Parse("""[{ "better": "dupr", "than": "random", "on": "probe", "min_gain": { "knn.res5": 0 } }]""");
            j["comparisons"] = JArray.Parse("""[{ "a": "dupr", "b": "mocov2" }]""");
        });
        string output = temp.File("out");
        var r = CliRunner.Run("bench", "run", "--suite", suite, "--output", output, "--paper", Paper, "--device", "cpu", "--threads", "2", "--jobs", "2");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        Assert.Contains("12 stages (12 run now, 0 reused)", r.Stdout);
        Assert.Contains("Probes of the backbones:", r.Stdout);
        Assert.Contains("knn.res5", r.Stdout);
        Assert.Contains("Claims:", r.Stdout);
        Assert.Contains("DUPR > random init, probe knn.res5:", r.Stdout);
        Assert.Contains("DUPR - MoCo v2, voc_c4 voc.AP50:", r.Stdout);
        string report = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.Contains("## Probes of the backbones", report);
        Assert.Contains("## Claims", report);
        Assert.True(File.Exists(Path.Combine(output, "plots", "probes", "probe_accuracy.png")));
        var stageLogs = Directory.GetFiles(Path.Combine(output, "stages"), "stage.log", SearchOption.AllDirectories);
        Assert.Equal(12, stageLogs.Length);                                   // every stage ran in a child process

        var check = CliRunner.Run("bench", "check", "--results", Path.Combine(output, "results.csv"), "--baseline", Path.Combine(output, "results.csv"), "--suite", suite);
        Assert.Contains("claim DUPR > random init, probe knn.res5:", check.Stdout);
    }
}
