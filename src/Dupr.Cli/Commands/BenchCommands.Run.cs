using Cocona;
using Dupr.Benchmarks.Runner;
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
        [Option("seeds", Description = "Fine-tuning seeds instead of the suite's, comma-separated (e.g. 3,4,5): an independent run for a baseline (`dupr bench baseline`).")] string? seeds = null,
        [Option("pretrain-seed", Description = "Seed of every pre-training instead of the suite's: with --seeds, a run independent of the first down to its pre-trainings.")] long? pretrainSeed = null,
        [Option("jobs", Description = "Stages run at once, each in its own `dupr` process with its share of --threads (default: all cores): independent stages (fine-tunings, probes, the two pre-trainings) overlap. 1: one stage at a time in this process.")] int jobs = 1,
        [Option("shard", Description = "K/N: run only this runner's share of the stages (of N runners, e.g. CI jobs, sharing --stages or --output), waiting for the others' stages that its own need; no report. "
                                       + "When every shard has finished, `dupr bench run` with the same options and no --shard writes the report from their stages.")] string? shard = null)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        var options = new SuiteRunOptions(suite, output) { Data = data, Stages = stages, InferenceBatch = inferenceBatch, Seeds = seeds, PretrainSeed = pretrainSeed };
        var part = shard == null ? null : SuiteShard.Parse(shard);
        var run = SuiteRun.Prepare(options, paper);
        if (dryRun)
        {
            PlanListing.Print(run.Plan);
            foreach (string problem in run.Problems) Console.WriteLine($"invalid: {problem}");
            return run.Plan.Problems.Count == 0 && run.Problems.Count == 0 ? 0 : 1;
        }
        using var stop = new StopSignals();
        var outcomes = run.Execute(runtime, jobs, DuprCommand(), part, stop.Token);
        Console.Write(run.Finish(outcomes, part));
        return 0;
    }

    [Command("stage", Description = "Run one stage of a suite's plan (as `dupr bench run --jobs N` does in its child processes); its needs must be finished. "
                                    + "The other options must be those of the `bench run` whose plan it belongs to.")]
    public void Stage(
        GlobalOptions global,
        [Option("suite", Description = "The suite JSON.")] string suite,
        [Option("output", Description = "The run's output folder.")] string output,
        [Option("name", Description = "The stage's name, as `bench run --dry-run` lists it, e.g. finetune-voc_fpn-dupr-s1.")] string name,
        [Option("data", Description = "The run's data folder.")] string? data = null,
        [Option("stages", Description = "The run's stage folder.")] string? stages = null,
        [Option("inference-batch", Description = "Images per forward pass in an evaluation stage.")] int inferenceBatch = 4,
        [Option("seeds", Description = "The run's seeds, if it overrode the suite's.")] string? seeds = null,
        [Option("pretrain-seed", Description = "The run's pre-training seed, if it overrode the suite's.")] long? pretrainSeed = null)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        var options = new SuiteRunOptions(suite, output) { Data = data, Stages = stages, InferenceBatch = inferenceBatch, Seeds = seeds, PretrainSeed = pretrainSeed };
        using var stop = new StopSignals();
        using var orphaned = ParentWatch.StopWhenOrphaned(stop.Token);
        var took = SuiteRun.RunStage(options, name, runtime, orphaned.Token);
        Console.WriteLine($"{name}: done in {Progress.FormatDuration(took)}");
    }

    // How this process was started, so that child processes run the same dupr: the apphost, or dotnet with dupr.dll.
    static IReadOnlyList<string> DuprCommand()
    {
        string host = Environment.ProcessPath ?? throw new DuprException("cannot tell how dupr was started (no process path)");
        bool dotnet = Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return dotnet ? [host, typeof(BenchCommands).Assembly.Location] : [host];
    }
}
