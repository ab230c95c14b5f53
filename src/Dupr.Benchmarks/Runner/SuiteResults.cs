using Newtonsoft.Json.Linq;
using Dupr.Benchmarks.Reports;
using Dupr.Benchmarks.Suites;

namespace Dupr.Benchmarks.Runner;

/// <summary>The results rows of a plan's finished evaluation stages, read from their done markers.</summary>
public static class SuiteResults
{
    /// <summary>
    /// One row per metric of every finished evaluation, in plan order, then of every finished probe (fine-tuning "probe", 0 iterations);
    /// unfinished stages are left out.
    /// </summary>
    public static IReadOnlyList<ResultRow> Collect(SuitePlan plan) =>
        plan.Evaluations.Where(e => StageStore.IsDone(e.Stage))
            .SelectMany(e => Metrics(e.Stage)
                .Select(m => new ResultRow(plan.Suite.Name, e.Finetuning.Name, e.Pretraining.Name, e.Seed,
                    m.Name, (double)m.Value, e.Stage.Finetune.Config.Solver.MaxIter, e.Stage.Hash)))
            .Concat(plan.Probes.Where(p => StageStore.IsDone(p.Stage))
                .SelectMany(p => Metrics(p.Stage)
                    .Select(m => new ResultRow(plan.Suite.Name, SuiteProbeSpec.ResultsName, p.Pretraining.Name, p.Seed, m.Name, (double)m.Value, 0, p.Stage.Hash,
                        StandardError(p.Stage, m.Name)))))
            .ToList();

    static IEnumerable<JProperty> Metrics(Stage stage) => ((JObject)StageStore.Outputs(stage)["metrics"]!).Properties();

    // A probe's standard error over its test sample; none for probes finished before they were recorded (2026-12-06).
    static double? StandardError(Stage stage, string metric) =>
        StageStore.Outputs(stage)[ProbeStage.StandardErrorsKey]?[metric] is JToken se ? (double)se : null;
}
