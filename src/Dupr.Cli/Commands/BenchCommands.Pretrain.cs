using System.Globalization;
using Cocona;
using Dupr.Benchmarks.Performance;
using Dupr.Core.Config;
using Dupr.Core.Runtime;
using Dupr.Pretrain.Config;

namespace Dupr.Cli.Commands;

/// <summary>`dupr bench pretrain`: DUPR step cost against MoCo v2.</summary>
public sealed partial class BenchCommands
{
    [Command("pretrain", Description = "Time a DUPR training step against a MoCo v2 step (same backbone, views, batch; random inputs): images/s, the backbone passes, the InfoNCE terms against the banks, share of the step outside the backbone passes, peak memory.")]
    public void Pretrain(
        GlobalOptions global,
        [Option("config", Description = "DUPR recipe to measure; MoCo v2 uses its backbone, view size, batch and bank size.")] string config = "configs/pretrain/dupr_r18_mini.json",
        [Option("repeat", Description = "Timed steps per method (medians are reported).")] int repeat = 5,
        [Option("set", Description = "Override a config key, e.g. --set model.depth=50 --set views.size=224 (repeatable).")] string[]? set = null,
        [Option("output", Description = "Also write the rows as CSV here.")] string? output = null)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        if (repeat < 1) throw new DuprException($"--repeat: must be at least 1, got {repeat}");
        var dupr = ConfigLoader.Load<PretrainConfig>(config, set);
        var device = runtime.Apply();
        var rows = PretrainBenchmark.Run(dupr, PretrainBenchmark.MocoOf(dupr), repeat, device);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"ResNet-{dupr.Model.Depth}, {dupr.Views.Size} px, batch {dupr.Train.BatchSize}, {device}, {TorchSharp.torch.get_num_threads()} threads");
        Console.WriteLine($"{"method",-8} {"step s",8} {"backbone s",11} {"losses s",9} {"images/s",9} {"outside",8} {"peak MB",8}");
        foreach (var r in rows)
            Console.WriteLine(string.Create(inv, $"{r.Method,-8} {r.StepSeconds,8:0.000} {r.BackboneSeconds,11:0.000} {r.LossSeconds,9:0.000} {r.ImagesPerSecond,9:0.0} {r.OutsideBackboneShare,8:P0} {r.PeakBytes / 1048576.0,8:0}"));
        Console.WriteLine(string.Create(inv, $"DUPR / MoCo v2 step time: {rows[1].StepSeconds / rows[0].StepSeconds:0.00}x (target <= 1.15x); DUPR outside the backbone passes: {rows[1].OutsideBackboneShare:P0} (target < 20%)"));
        if (output != null)
            AtomicFile.WriteAllText(output, "method,step_s,backbone_s,losses_s,images_per_s,outside_share,peak_bytes\n" + string.Concat(rows.Select(r =>
                string.Create(inv, $"{r.Method},{r.StepSeconds},{r.BackboneSeconds},{r.LossSeconds},{r.ImagesPerSecond},{r.OutsideBackboneShare},{r.PeakBytes}\n"))));
    }
}
