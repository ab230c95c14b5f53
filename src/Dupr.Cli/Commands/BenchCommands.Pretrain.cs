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
        Console.Write(PretrainBenchmarkReport.Table(dupr, device.ToString(), TorchSharp.torch.get_num_threads(), rows));
        if (output != null) PretrainBenchmarkReport.WriteCsv(rows, output);
    }
}
