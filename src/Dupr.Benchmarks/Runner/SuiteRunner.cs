using System.Diagnostics;
using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Runner;

/// <summary>
/// Runs a <see cref="SuitePlan"/> in order: a stage whose done marker matches its key is skipped, a started one continues
/// (its trainer resumes from the last checkpoint), the rest run from the start. Prints a line per stage.
/// </summary>
public sealed class SuiteRunner(IStageExecutor executor, Action<string>? log = null)
{
    readonly Action<string> _log = log ?? Log.Info;

    /// <summary>
    /// Runs every stage not finished yet (of <paramref name="shard"/>'s share, when given); throws
    /// <see cref="StageInterruptedException"/> when <paramref name="cancellation"/> stops it.
    /// </summary>
    public IReadOnlyList<StageOutcome> Run(SuitePlan plan, CancellationToken cancellation = default, SuiteShard? shard = null)
    {
        var owned = shard?.Owned(plan);
        var blockers = plan.Problems.Concat(plan.MissingInputs).ToList();
        if (blockers.Count > 0)
            throw new DuprException($"suite {plan.Suite.Name} cannot run: {string.Join("; ", blockers)}");
        var outcomes = new List<StageOutcome>();
        var suiteClock = Stopwatch.StartNew();
        int n = plan.Stages.Count;
        for (int i = 0; i < n; i++)
        {
            Stage stage = plan.Stages[i];
            string head = $"[bench {i + 1}/{n}] {stage.Name}";
            if (owned != null && !owned.Contains(stage)) continue;
            if (StageStore.IsDone(stage))
            {
                _log($"{head}: cached ({Path.GetRelativePath(plan.StagesRoot, stage.Directory)})");
                outcomes.Add(new StageOutcome(stage, StageStatus.Cached, TimeSpan.Zero));
                continue;
            }
            if (cancellation.IsCancellationRequested || (shard != null && !shard.WaitForNeeds(stage, _log, cancellation)))
                throw new StageInterruptedException($"stopped before {stage.Name}; run the same command again to continue");
            bool resumed = StageStore.IsStarted(stage);
            _log($"{head}: {(resumed ? "resuming" : "running")} {stage.Description}");
            StageStore.Begin(stage);
            var clock = Stopwatch.StartNew();
            var outputs = executor.Run(stage, cancellation);
            StageStore.Finish(stage, outputs, clock.Elapsed);
            outcomes.Add(new StageOutcome(stage, resumed ? StageStatus.Resumed : StageStatus.Ran, clock.Elapsed));
            _log($"{head}: done in {Progress.FormatDuration(clock.Elapsed)} (suite {Progress.FormatDuration(suiteClock.Elapsed)})");
        }
        return outcomes;
    }
}
