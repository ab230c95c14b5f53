using System.Diagnostics;
using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Runner;

/// <summary>
/// Runs a plan's unfinished stages on up to <c>jobs</c> workers at once, each after the stages it needs (the data before the
/// pre-trainings, a pre-training before its probes and fine-tunings, a fine-tuning before its evaluation). Of the stages
/// ready to start, the one with the longest chain of work behind it goes first (critical-path list scheduling), so that
/// the pre-trainings and what waits for them are not left for last with one core idle; plan order breaks ties. On two cores, two one-thread fine-tunings run about 1.8 times faster than one on two threads. A stage that
/// fails stops new ones from starting; those running finish. Prints a line per stage.
/// </summary>
public sealed class ParallelSuiteRunner(IStageLauncher launcher, int jobs, Action<string>? log = null)
{
    readonly Action<string> _log = log ?? Log.Info;

    /// <summary>
    /// Runs every stage not finished yet (of <paramref name="shard"/>'s share, when given: the others' stages are waited for);
    /// throws <see cref="StageInterruptedException"/> when <paramref name="cancellation"/> stops it.
    /// </summary>
    public IReadOnlyList<StageOutcome> Run(SuitePlan plan, CancellationToken cancellation = default, SuiteShard? shard = null)
    {
        var owned = shard?.Owned(plan);
        if (jobs < 1) throw new ArgumentOutOfRangeException(nameof(jobs), jobs, "at least one job");
        var blockers = plan.Problems.Concat(plan.MissingInputs).ToList();
        if (blockers.Count > 0) throw new DuprException($"suite {plan.Suite.Name} cannot run: {string.Join("; ", blockers)}");

        int n = plan.Stages.Count;
        string Head(Stage s) => $"[bench {plan.Stages.ToList().IndexOf(s) + 1}/{n}] {s.Name}";
        var outcomes = new List<StageOutcome>();
        var pending = new List<Stage>();
        foreach (var stage in plan.Stages.Where(s => owned == null || owned.Contains(s)))
        {
            if (StageStore.IsDone(stage))
            {
                _log($"{Head(stage)}: cached ({Path.GetRelativePath(plan.StagesRoot, stage.Directory)})");
                outcomes.Add(new StageOutcome(stage, StageStatus.Cached, TimeSpan.Zero));
            }
            else pending.Add(stage);
        }

        var priority = CriticalPath(pending);
        var suiteClock = Stopwatch.StartNew();
        var running = new Dictionary<Task, (Stage Stage, bool Resumed, Stopwatch Clock)>();
        var failures = new List<string>();
        while (pending.Count > 0 || running.Count > 0)
        {
            bool stopping = cancellation.IsCancellationRequested || failures.Count > 0;
            while (!stopping && running.Count < jobs && pending.Where(s => s.Needs.All(StageStore.IsDone)).MaxBy(s => priority[s]) is { } ready)
            {
                pending.Remove(ready);
                bool resumed = StageStore.IsStarted(ready);
                _log($"{Head(ready)}: {(resumed ? "resuming" : "running")} {ready.Description}");
                StageStore.Begin(ready);
                running[launcher.Launch(ready, cancellation)] = (ready, resumed, Stopwatch.StartNew());
            }
            if (running.Count == 0)
            {
                if (stopping) break;
                // A shard's next stage may wait for another shard's.
                if (shard != null && pending.MinBy(s => plan.Stages.ToList().IndexOf(s)) is { } next && shard.WaitForNeeds(next, _log, cancellation)) continue;
                if (shard != null) break;
                throw new DuprException($"stages {string.Join(", ", pending.Select(s => s.Name))} wait for stages that did not finish");
            }
            var done = Task.WhenAny(running.Keys).GetAwaiter().GetResult();
            var (stage, wasResumed, clock) = running[done];
            running.Remove(done);
            if (done.IsFaulted || !StageStore.IsDone(stage))
            {
                string why = done.Exception?.GetBaseException().Message ?? "it ended without finishing";
                if (cancellation.IsCancellationRequested) _log($"{Head(stage)}: stopped ({why})");
                else failures.Add($"{stage.Name}: {why}");
                continue;
            }
            outcomes.Add(new StageOutcome(stage, wasResumed ? StageStatus.Resumed : StageStatus.Ran, clock.Elapsed));
            _log($"{Head(stage)}: done in {Progress.FormatDuration(clock.Elapsed)} (suite {Progress.FormatDuration(suiteClock.Elapsed)})");
        }
        if (failures.Count > 0) throw new DuprException(string.Join("; ", failures));
        if (pending.Count > 0) throw new StageInterruptedException($"stopped with {pending.Count} stage(s) to go; run the same command again to continue");
        return outcomes;
    }

    /// <summary>
    /// Each stage's own estimated cost plus the costliest chain of pending stages that need it. MaxBy keeps the first of
    /// equals, so stages of equal chains start in plan order.
    /// </summary>
    public static IReadOnlyDictionary<Stage, double> CriticalPath(IReadOnlyList<Stage> stages)
    {
        var chain = new Dictionary<Stage, double>();
        // Plan order lists every stage after the stages it needs, so walking it backwards sees dependents first.
        foreach (var stage in stages.Reverse())
            chain[stage] = EstimatedMinutes(stage) + stages.Where(d => d.Needs.Contains(stage)).Select(d => chain[d]).DefaultIfEmpty(0).Max();
        return chain;
    }

    /// <summary>Rough one-thread minutes of a mini suite stage (docs/BENCHMARKS.md): what scheduling and shard shares weigh stages by.</summary>
    public static double EstimatedMinutes(Stage stage) => stage switch
    {
        PretrainStage => 6,
        FinetuneStage => 4,
        ProbeStage => 0.3,
        EvaluateStage => 0.2,
        _ => 0.1,
    };
}
