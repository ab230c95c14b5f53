using Dupr.Benchmarks.Reports;

namespace Dupr.Benchmarks.Runner;

/// <summary>The results rows of a plan's finished evaluation stages, read from their done markers.</summary>
public static class SuiteResults
{
    /// <summary>One row per metric of every finished evaluation, in plan order; unfinished evaluations are left out.</summary>
    public static IReadOnlyList<ResultRow> Collect(SuitePlan plan) =>
        plan.Evaluations.Where(e => StageStore.IsDone(e.Stage))
            .SelectMany(e => ((Newtonsoft.Json.Linq.JObject)StageStore.Outputs(e.Stage)["metrics"]!).Properties()
                .Select(m => new ResultRow(plan.Suite.Name, e.Finetuning.Name, e.Pretraining.Name, e.Seed,
                    m.Name, (double)m.Value, e.Stage.Finetune.Config.Solver.MaxIter, e.Stage.Hash)))
            .ToList();
}
