using Cocona;
using Dupr.Benchmarks.Performance;
using Dupr.Core.Ops;
using Dupr.Core.Runtime;

namespace Dupr.Cli.Commands;

/// <summary>`dupr bench ...`: benchmark commands.</summary>
public sealed partial class BenchCommands
{
    [Command("ops", Description = "Time RoIAlign (forward, forward+backward) and NMS on the shapes of a Faster R-CNN step "
        + "(512 boxes 7x7 on 1x256x50x68, 2000 boxes 14x14 on 1x1024x50x68, NMS on 1,000 and 12,000 boxes). "
        + "Prints median and fastest of the timed runs (warm-up excluded); tools/reference/bench_ops_torchvision.py times the same rows with torchvision.")]
    public void Ops(
        GlobalOptions global,
        [Option("repeats", Description = "Timed runs per row at most.")] int repeats = 5,
        [Option("warmup", Description = "Untimed runs before them at most (at least one; fewer once they took a third of the row budget).")] int warmup = 3,
        [Option("row-budget", Description = "Seconds a row may take once it has three timed runs.")] double rowBudget = 30,
        [Option("only", Description = "Run only the rows whose name contains this text, e.g. nms or 2000x14x14.")] string? only = null,
        [Option("roi-align", Description = "RoIAlign implementation: auto, kernel (CPU) or composition.")] string roiAlign = "auto",
        [Option("output", Description = "Also write the rows to this CSV file.")] string? output = null)
    {
        if (!Enum.TryParse<RoIAlignImplementation>(roiAlign, ignoreCase: true, out var implementation))
            throw new DuprException($"--roi-align: expected auto, kernel or composition, got '{roiAlign}'");
        if (repeats < 1) throw new DuprException($"--repeats: must be at least 1, got {repeats}");
        var device = global.ToRuntimeOptions().Apply();
        var options = new OpsBenchmarkOptions
        {
            Repeats = repeats, Warmup = warmup, RowBudgetSeconds = rowBudget, Seed = (ulong)global.Seed, Filter = only, RoIAlign = implementation, Device = device,
        };
        if (only != null && !OpsBenchmark.RowNames.Any(r => r.Contains(only, StringComparison.OrdinalIgnoreCase)))
            throw new DuprException($"--only: no row matches '{only}'; rows: {string.Join("; ", OpsBenchmark.RowNames)}");
        Log.Info($"dupr bench ops: device {device}, {TorchSharp.torch.get_num_threads()} thread(s), RoIAlign {implementation}");
        var rows = new List<OpsTiming>();
        foreach (var row in OpsBenchmark.Run(options))
        {
            rows.Add(row);
            Log.Info($"  {row.Row}: {row.MedianMs:F1} ms");
        }
        Console.Write(OpsBenchmark.Table(rows));
        if (output != null) OpsBenchmark.WriteCsv(output, rows);
    }
}
