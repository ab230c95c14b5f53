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
            .SelectMany(e => Metrics(StageStore.Outputs(e.Stage))
                .Select(m => new ResultRow(plan.Suite.Name, e.Finetuning.Name, e.Pretraining.Name, e.Seed,
                    m.Name, (double)m.Value, e.Stage.Finetune.Config.Solver.MaxIter, e.Stage.Hash)))
            .Concat(plan.Probes.Where(p => StageStore.IsDone(p.Stage)).SelectMany(p => ProbeRows(plan, p)))
            .ToList();

    static IEnumerable<JProperty> Metrics(JObject outputs) => ((JObject)outputs["metrics"]!).Properties();

    // One done marker read per probe; a metric's standard error over the probe's test sample is absent for probes
    // finished before they were recorded (2026-12-06).
    static IEnumerable<ResultRow> ProbeRows(SuitePlan plan, PlannedProbe probe)
    {
        var outputs = StageStore.Outputs(probe.Stage);
        var errors = outputs[ProbeStage.StandardErrorsKey] as JObject;
        return Metrics(outputs).Select(m => new ResultRow(plan.Suite.Name, SuiteProbeSpec.ResultsName, probe.Pretraining.Name, probe.Seed,
            m.Name, (double)m.Value, 0, probe.Stage.Hash, errors?[m.Name] is JToken se ? (double)se : null));
    }
}
