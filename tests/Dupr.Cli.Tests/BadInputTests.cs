using Dupr.Tests;

namespace Dupr.Cli.Tests;

/// <summary>
/// Bad input of every kind, run as a user runs `dupr`: one `dupr: error: ...` line that names the file, option or key,
/// exit code 1, and no stack trace.
/// </summary>
public class BadInputTests
{
    static readonly string CocoCase = Path.Combine(TestPaths.Fixtures, "coco-eval", "case001");
    static readonly string VocCase = Path.Combine(TestPaths.Fixtures, "voc-eval", "case000");
    static readonly string PretrainRecipe = Path.Combine(TestPaths.RepoRoot, "configs", "pretrain", "dupr_r18_mini.json");
    static readonly string DetectionRecipe = Path.Combine(TestPaths.RepoRoot, "configs", "detection", "voc_faster_rcnn_r18_c4_mini.json");

    // "{gt}", "{dt}", "{temp}" and the recipes stand for paths known at run time.
    static string[] Expand(string[] args, TempDirectory temp) => args.Select(a => a
        .Replace("{gt}", Path.Combine(CocoCase, "gt.json")).Replace("{dt}", Path.Combine(CocoCase, "dt_bbox.json"))
        .Replace("{devkit}", Path.Combine(VocCase, "VOCdevkit")).Replace("{voc-results}", Path.Combine(VocCase, "results"))
        .Replace("{pretrain}", PretrainRecipe).Replace("{detection}", DetectionRecipe).Replace("{temp}", temp.Path)).ToArray();

    static void AssertOneLineError(CliRunner.Result result, string message)
    {
        Assert.True(result.ExitCode == 1, $"exit code {result.ExitCode}: {result.Stderr}");
        Assert.Equal([message], result.Stderr.Split('\n').Where(l => l.StartsWith("dupr: error:")));
        Assert.DoesNotContain("Exception", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Theory]
    // Cocona's own parse errors exited 129 with "Error: ...", or 1 with its own wording.
    [InlineData("dupr: error: unknown option '--foo' (see --help)", "env", "--foo")]
    [InlineData("dupr: error: --seed: expected an integer, got 'abc'", "env", "--seed", "abc")]
    [InlineData("dupr: error: --threads needs a value", "env", "--threads")]
    [InlineData("dupr: error: --results is required (see --help)", "evaluate", "coco", "--gt", "{gt}")]
    // The second file was ignored silently.
    [InlineData("dupr: error: unexpected argument 'b.json' (each option takes one value; see --help)", "evaluate", "coco", "--gt", "{gt}", "--results", "a.json", "b.json")]
    // The duplicate class counted twice in the mean AP.
    [InlineData("dupr: error: --classes: class 'dog' is listed twice", "evaluate", "voc", "--devkit", "{devkit}", "--results", "{voc-results}", "--classes", "dog,cat,dog")]
    // --output onto a directory or an unwritable place ended in an IOException stack trace.
    [InlineData("dupr: error: {temp}: is a directory; give a file name", "evaluate", "coco", "--gt", "{gt}", "--results", "{dt}", "--output", "{temp}")]
    [InlineData("dupr: error: /sys/dupr-metrics.json: cannot write (permission denied)", "evaluate", "coco", "--gt", "{gt}", "--results", "{dt}", "--output", "/sys/dupr-metrics.json")]
    [InlineData("dupr: error: {temp}/weights.dat: is a file; give a folder", "infer", "--config", "{detection}", "--weights", "{temp}/weights.dat", "--data", "{temp}", "--output", "{temp}/weights.dat")]
    // Numbers out of range: NaN trained to a NaN backbone, -5 iterations ran the epochs' 128.
    [InlineData("dupr: error: --set solver.base_lr: 'solver.base_lr' must be a finite number, got NaN", "pretrain", "--config", "{pretrain}", "--data", "{temp}", "--output", "{temp}/run", "--set", "solver.base_lr=NaN")]
    [InlineData("dupr: error: --set solver.max_iter: 'solver.max_iter' must be 0 or more, got -5", "pretrain", "--config", "{pretrain}", "--data", "{temp}", "--output", "{temp}/run", "--set", "solver.max_iter=-5")]
    [InlineData("dupr: error: --set solver.steps: 'solver.steps' must be a list of integers, got 25; a list of one is written [25]", "finetune", "--config", "{detection}", "--data", "{temp}", "--output", "{temp}/run", "--set", "solver.steps=25")]
    public void BadInputIsOneLineAndExitCodeOne(string message, params string[] args)
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("weights.dat"), "");
        AssertOneLineError(CliRunner.Run(Expand(args, temp)), message.Replace("{temp}", temp.Path));
    }

    // Cocona printed "Error: 'frobnicate' is not a command. See '--help' for usage." (and a list of similar commands).
    [Theory]
    [InlineData("dupr: error: unknown command 'frobnicate' (see dupr --help)", "frobnicate")]
    [InlineData("dupr: error: unknown command 'frobnicate' (see dupr bench --help)", "bench", "frobnicate")]
    [InlineData("dupr: error: unknown command 'pretrian' (did you mean 'pretrain'? see dupr --help)", "pretrian", "--config", "x.json")]
    public void UnknownCommandIsOneLineAndExitCodeOne(string message, params string[] args)
    {
        var result = CliRunner.Run(args);
        AssertOneLineError(result, message);
        Assert.Equal(message, result.Stderr.Trim());
    }

    // pycocotools refuses a results file with data after its array ("Extra data"); it was evaluated from the first array.
    [Theory]
    [InlineData("[] []", "unexpected data after the results array at line 1, position 3")]
    [InlineData("[] garbage", "unexpected data after the results array at line 1, position 3")]
    public void CocoResultsWithTrailingDataAreRefused(string json, string problem)
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("dt.json"), json);
        var result = CliRunner.Run(Expand(["evaluate", "coco", "--gt", "{gt}", "--results", temp.File("dt.json")], temp));
        AssertOneLineError(result, $"dupr: error: {temp.File("dt.json")}: the end of the file: {problem}");
    }
}
