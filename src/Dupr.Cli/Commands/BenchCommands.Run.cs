using Cocona;
using Dupr.Benchmarks.Paper;
using Dupr.Benchmarks.Reports;
using Dupr.Benchmarks.Runner;
using Dupr.Benchmarks.Suites;
using Dupr.Core.Runtime;

namespace Dupr.Cli.Commands;

/// <summary>`dupr bench run`: a benchmark suite end to end, with stage caching, results.csv, report.md and plots.</summary>
public sealed partial class BenchCommands
{
    [Command("run", Description = "Run a benchmark suite (eval/suites/*.json): synthetic world, pre-trainings, then per seed every fine-tuning x pre-training and its evaluation. "
                                  + "Each finished stage is kept in --output/stages/<name>-<hash>/ (hash of its resolved config and inputs): a re-run skips it, and a stage stopped midway "
                                  + "(Ctrl-C, or killed) resumes from its last checkpoint. Writes results.csv, report.md (ours beside the paper's numbers) and plots/*.png into --output. Seeds come from the suite (--seed is not used).")]
    public int Run(
        GlobalOptions global,
        [Option("suite", Description = "The suite JSON, e.g. eval/suites/mini.json.")] string suite,
        [Option("output", Description = "Output folder (created): stages/, results.csv, report.md, plots/.")] string output,
        [Option("data", Description = "Data folder: where a synthetic suite's world is generated or reused (default: inside --output), or the folder holding a paper-scale suite's datasets and weights.")] string? data = null,
        [Option("dry-run", Description = "List the stages (name, hash, done / started / to run) and what keeps the suite from running; run nothing.")] bool dryRun = false,
        [Option("stages", Description = "Stage folder to use instead of --output/stages; suites that share one reuse each other's finished stages (e.g. the paper-scale pre-trainings).")] string? stages = null,
        [Option("paper", Description = "Folder of the paper's tables (default: ../paper beside the suite file, i.e. eval/paper).")] string? paper = null,
        [Option("inference-batch", Description = "Images per forward pass in the evaluation stages.")] int inferenceBatch = 4,
        [Option("seeds", Description = "Fine-tuning seeds instead of the suite's, comma-separated (e.g. 3,4,5): an independent run for a baseline (`dupr bench baseline`).")] string? seeds = null)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        if (inferenceBatch < 1) throw new DuprException($"--inference-batch must be positive, got {inferenceBatch}");
        var loaded = Suite.Load(suite);
        if (seeds != null) loaded.Spec.Seeds = ParseSeeds(seeds);
        var tables = PaperTable.Load(paper ?? Path.Combine(Path.GetDirectoryName(loaded.Path)!, "..", "paper"));
        var check = SuiteValidator.Check(loaded, tables);
        var plan = SuitePlan.Build(loaded, output, data, stages);
        if (dryRun)
        {
            PlanListing.Print(plan);
            foreach (string problem in check.Problems) Console.WriteLine($"invalid: {problem}");
            return plan.Problems.Count == 0 && check.Problems.Count == 0 ? 0 : 1;
        }
        if (check.Problems.Count > 0) throw new DuprException($"{loaded.Path}: {string.Join("; ", check.Problems)}");

        var device = runtime.Apply();
        using var stop = new StopSignals();
        var outcomes = new SuiteRunner(new LibraryStageExecutor(device, inferenceBatch, runtime.Threads)).Run(plan, stop.Token);
        var written = SuiteReportWriter.Write(plan, tables);
        foreach (var f in loaded.Spec.Finetunings)
        {
            Console.WriteLine($"\n{f.DisplayName}:\n");
            Console.Write(SuiteReport.Table(loaded.Spec, f, MetricSummary.Of(written.Rows), SuitePaper.Matches(loaded.Spec, tables)));
        }
        if (SuiteReport.ProbeTable(loaded.Spec, written.Rows) is { } probes) Console.Write($"\nProbes of the backbones:\n\n{probes}");
        string Label(string name) => loaded.Spec.Pretrainings.First(p => p.Name == name).DisplayName;
        var verdicts = ClaimVerdicts.Evaluate(loaded.Spec, written.Rows);
        if (verdicts.Count > 0) Console.WriteLine($"\nClaims:\n{string.Join("\n", verdicts.Select(v => "  " + v.Line(Label)))}");
        var comparisons = ClaimVerdicts.Comparisons(loaded.Spec, written.Rows, Label).ToList();
        if (comparisons.Count > 0) Console.WriteLine($"\nDifferences (95% intervals):\n{string.Join("\n", comparisons.Select(c => "  " + c))}");
        int ran = outcomes.Count(o => o.Status != StageStatus.Cached);
        Console.WriteLine($"\nsuite {loaded.Name}: {outcomes.Count} stages ({ran} run now, {outcomes.Count - ran} reused)");
        Console.WriteLine($"  report: {written.Report}");
        Console.WriteLine($"  results: {written.ResultsCsv}");
        Console.WriteLine($"  plots: {Path.Combine(plan.Output, ReportPlots.Folder)} ({string.Join(", ", written.Plots.Select(Path.GetFileName))})");
        return 0;
    }

    static List<long> ParseSeeds(string text)
    {
        var parsed = text.Split(',', StringSplitOptions.TrimEntries).Select(t => long.TryParse(t, out long v) && v >= 0 ? v : -1).ToList();
        if (parsed.Count == 0 || parsed.Any(v => v < 0) || parsed.Distinct().Count() != parsed.Count)
            throw new DuprException($"--seeds: expected distinct non-negative integers separated by commas, got '{text}'");
        return parsed;
    }
}
