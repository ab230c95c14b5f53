using Cocona;
using Dupr.Benchmarks.Reports;
using Dupr.Core.Runtime;

namespace Dupr.Cli.Commands;

/// <summary>`dupr bench check`: the regression gate CI runners call after `dupr bench run`.</summary>
public sealed partial class BenchCommands
{
    [Command("check", Description = "Compare a suite run's results.csv with a baseline (eval/baselines/*.csv): prints a line per baseline metric and exits 1 when the mean over seeds "
                                    + "of any falls below its baseline by more than its tolerance, or is missing from the results.")]
    public int Check(
        GlobalOptions global,
        [Option("results", Description = "results.csv written by `dupr bench run`.")] string results,
        [Option("baseline", Description = "Baseline CSV: finetuning, pretraining, metric, value and an optional tolerance column (points).")] string baseline,
        [Option("tolerance", Description = "Tolerance in points for baseline rows whose tolerance cell is empty.")] double tolerance = 1.0)
    {
        global.ToRuntimeOptions();
        if (!(tolerance >= 0)) throw new DuprException($"--tolerance must be non-negative, got {tolerance}");
        var report = BaselineCheck.Compare(ResultsCsv.Read(results), BaselineRow.Read(baseline), tolerance);
        Console.Write(report.Text());
        return report.Passed ? 0 : 1;
    }
}
