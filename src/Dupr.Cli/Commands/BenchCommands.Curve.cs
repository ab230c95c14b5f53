using Cocona;
using Dupr.Benchmarks.Reports;
using Dupr.Core.Runtime;

namespace Dupr.Cli.Commands;

/// <summary>`dupr bench curve`: did every loss term of a run fall?</summary>
public sealed partial class BenchCommands
{
    [Command("curve", Description = "Summarise a run's metrics.csv: each loss term's mean over the first and the last --window logged rows (and its contrastive top-1 "
                                    + "accuracy for pre-training runs); with --require-decrease, exit 1 when any term did not fall.")]
    public int Curve(
        GlobalOptions global,
        [Option("metrics", Description = "metrics.csv of a `dupr pretrain` or `dupr finetune` run.")] string metrics,
        [Option("window", Description = "Logged rows averaged at each end.")] int window = 5,
        [Option("require-decrease", Description = "Exit 1 unless every loss term ended lower than it started.")] bool requireDecrease = false)
    {
        global.ToRuntimeOptions();
        var changes = LossCurveSummary.Read(metrics, window);
        Console.Write(LossCurveSummary.Text(changes));
        var stuck = changes.Where(c => !c.Fell).Select(c => c.Term).ToList();
        Console.WriteLine(stuck.Count == 0 ? $"every loss term fell ({changes.Count} terms)" : $"did not fall: {string.Join(", ", stuck)}");
        return requireDecrease && stuck.Count > 0 ? 1 : 0;
    }
}
