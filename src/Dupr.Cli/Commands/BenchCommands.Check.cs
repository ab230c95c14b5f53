using Cocona;
using Dupr.Benchmarks.Reports;
using Dupr.Benchmarks.Suites;
using Dupr.Core.Runtime;

namespace Dupr.Cli.Commands;

/// <summary>`dupr bench check` and `dupr bench baseline`: the regression gate CI runners call after `dupr bench run`, and how its baseline is made.</summary>
public sealed partial class BenchCommands
{
    [Command("check", Description = "Compare a suite run's results.csv with a baseline (eval/baselines/*.csv): prints a line per baseline metric and exits 1 when the mean over seeds "
                                    + "of any falls below its baseline by more than its tolerance, or is missing from the results; with --suite, also when a claim of the suite does not hold.")]
    public int Check(
        GlobalOptions global,
        [Option("results", Description = "results.csv written by `dupr bench run`.")] string results,
        [Option("baseline", Description = "Baseline CSV: finetuning, pretraining, metric, value and an optional tolerance column (points).")] string baseline,
        [Option("tolerance", Description = "Tolerance in points for baseline rows whose tolerance cell is empty.")] double tolerance = 1.0,
        [Option("suite", Description = "The suite the results come from: its claims (e.g. MoCo v2 beats random init by 5 AP50) must hold too.")] string? suite = null)
    {
        global.ToRuntimeOptions();
        if (!(tolerance >= 0)) throw new DuprException($"--tolerance must be non-negative, got {tolerance}");
        var rows = ResultsCsv.Read(results);
        var report = BaselineCheck.Compare(rows, BaselineRow.Read(baseline), tolerance);
        Console.Write(report.Text());
        if (suite == null) return report.Passed ? 0 : 1;
        var spec = Suite.Load(suite).Spec;
        var verdicts = ClaimVerdicts.Evaluate(spec, rows);
        foreach (var v in verdicts) Console.WriteLine($"{(v.Holds ? "ok  " : "FAIL")} claim {v.Line(spec.Label)}");
        int failed = verdicts.Count(v => !v.Holds);
        Console.WriteLine($"claims: {verdicts.Count - failed} of {verdicts.Count} hold");
        return report.Passed && failed == 0 ? 0 : 1;
    }

    [Command("baseline", Description = "Make a baseline CSV for `dupr bench check` from the results.csv of two or more independent runs of a suite: each metric's mean, "
                                       + "and a tolerance of three standard errors of a run's mean (from the seeds' spread and the runs' spread), at least --floor. "
                                       + "A metric whose tolerance reaches its value is left out (no score could fail it) and named.")]
    public void Baseline(
        GlobalOptions global,
        [Option("results", Description = "results.csv of one run (repeat for each run).")] string[] results,
        [Option("output", Description = "The baseline CSV to write, e.g. eval/baselines/mini.csv.")] string output,
        [Option("floor", Description = "The least tolerance in points.")] double floor = 0.5)
    {
        global.ToRuntimeOptions();
        if (results.Length < 2) throw new DuprException($"--results: a baseline needs at least two independent runs, got {results.Length}");
        if (!(floor >= 0)) throw new DuprException($"--floor must be non-negative, got {floor}");
        var built = BaselineBuilder.Build(results.Select(ResultsCsv.Read).ToList(), floor);
        BaselineBuilder.Write(output, built.Rows);
        Console.WriteLine($"wrote {output}: {built.Rows.Count} metrics from {results.Length} runs");
        if (built.Vacuous.Count > 0)
            Console.WriteLine($"left out {built.Vacuous.Count} metric(s) whose tolerance reaches their value (no score could fail them): {string.Join(", ", built.Vacuous)}");
    }
}
