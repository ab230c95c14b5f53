using System.Diagnostics;
using Dupr.Benchmarks.Paper;
using Dupr.Benchmarks.Reports;
using Dupr.Benchmarks.Suites;
using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Runner;

/// <summary>
/// A suite run end to end, as `dupr bench run` does it: load and validate the suite against the paper's tables, plan its
/// stages, run them (in this process, or as child processes with several jobs; all or one shard), then write the report.
/// </summary>
public sealed class SuiteRun
{
    readonly SuiteRunOptions _options;

    SuiteRun(SuiteRunOptions options, Suite suite, PaperTable tables, IReadOnlyList<string> problems, SuitePlan plan)
    {
        _options = options;
        Suite = suite;
        Tables = tables;
        Problems = problems;
        Plan = plan;
    }

    /// <summary>
    /// Loads the suite of <paramref name="options"/> (its seeds overridden as asked), the paper's tables from
    /// <paramref name="paper"/> (default: ../paper beside the suite file), checks the suite against them and plans it.
    /// </summary>
    public static SuiteRun Prepare(SuiteRunOptions options, string? paper = null)
    {
        if (options.InferenceBatch < 1) throw new DuprException($"--inference-batch must be positive, got {options.InferenceBatch}");
        var (suite, plan) = LoadPlan(options);
        var tables = PaperTable.Load(paper ?? Path.Combine(Path.GetDirectoryName(suite.Path)!, "..", "paper"));
        var problems = SuiteValidator.Check(suite, tables).Problems;
        return new SuiteRun(options, suite, tables, problems, plan);
    }

    /// <summary>The suite as loaded.</summary>
    public Suite Suite { get; }

    /// <summary>The paper's tables the report compares with.</summary>
    public PaperTable Tables { get; }

    /// <summary>What is wrong with the suite (empty when it can run).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The stages and where they live.</summary>
    public SuitePlan Plan { get; }

    /// <summary>
    /// Runs the plan's stages (those of <paramref name="shard"/> only, if given): with one job, each in this process on
    /// <paramref name="runtime"/>'s device; with more, each in a child `bench stage` process started by
    /// <paramref name="duprCommand"/> with its share of the threads. Returns the stages' outcomes.
    /// </summary>
    public IReadOnlyList<StageOutcome> Execute(RuntimeOptions runtime, int jobs, IReadOnlyList<string> duprCommand, SuiteShard? shard, CancellationToken stop)
    {
        if (jobs < 1) throw new DuprException($"--jobs must be positive, got {jobs}");
        if (Problems.Count > 0) throw new DuprException($"{Suite.Path}: {string.Join("; ", Problems)}");
        if (jobs == 1)
        {
            var device = runtime.Apply();
            return new SuiteRunner(new LibraryStageExecutor(device, _options.InferenceBatch, runtime.Threads)).Run(Plan, stop, shard);
        }
        int threads = Math.Max(1, (runtime.Threads ?? Environment.ProcessorCount) / jobs);
        var launcher = new ChildProcessLauncher(duprCommand, _options.StageArguments(Suite.Path, runtime.Device), threads);
        return new ParallelSuiteRunner(launcher, jobs).Run(Plan, stop, shard);
    }

    /// <summary>
    /// What to print when the stages are done: for a shard, what it ran and what comes next; otherwise the report
    /// (results.csv, report.md, plots written now) as <see cref="SuiteRunSummary"/> tells it.
    /// </summary>
    public string Finish(IReadOnlyList<StageOutcome> outcomes, SuiteShard? shard)
    {
        if (shard != null)
        {
            int ranNow = outcomes.Count(o => o.Status != StageStatus.Cached);
            return $"suite {Suite.Name}, shard {shard}: {outcomes.Count} stages ({ranNow} run now, {outcomes.Count - ranNow} reused) in {Plan.StagesRoot}\n"
                   + "  when every shard has finished, the same `dupr bench run` without --shard writes the report\n";
        }
        return SuiteRunSummary.Text(Suite, Plan, Tables, SuiteReportWriter.Write(Plan, Tables), outcomes);
    }

    /// <summary>
    /// Runs the one stage <paramref name="name"/> of the plan of <paramref name="options"/> in this process on
    /// <paramref name="runtime"/>'s device (what a child of <see cref="Execute"/> does); its needs must be finished. Returns
    /// the time it took.
    /// </summary>
    public static TimeSpan RunStage(SuiteRunOptions options, string name, RuntimeOptions runtime, CancellationToken stop)
    {
        var (suite, plan) = LoadPlan(options);
        var stage = plan.Stages.FirstOrDefault(s => s.Name == name)
                    ?? throw new DuprException($"--name {name}: no such stage in suite {suite.Name}; `dupr bench run --dry-run` lists them");
        if (stage.Needs.FirstOrDefault(n => !StageStore.IsDone(n)) is { } missing) throw new DuprException($"{name}: needs {missing.Name}, which has not finished");
        var device = runtime.Apply();
        StageStore.Begin(stage);
        var clock = Stopwatch.StartNew();
        var outputs = new LibraryStageExecutor(device, options.InferenceBatch, runtime.Threads).Run(stage, stop);
        StageStore.Finish(stage, outputs, clock.Elapsed);
        return clock.Elapsed;
    }

    static (Suite Suite, SuitePlan Plan) LoadPlan(SuiteRunOptions options)
    {
        var suite = Suite.Load(options.Suite, options.Seeds, options.PretrainSeed);
        return (suite, SuitePlan.Build(suite, options.Output, options.Data, options.Stages));
    }
}
