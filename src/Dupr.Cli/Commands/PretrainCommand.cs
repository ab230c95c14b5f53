using Cocona;
using Dupr.Benchmarks.Probes;
using Dupr.Core.Config;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Pretrain.Config;
using Dupr.Pretrain.Training;

namespace Dupr.Cli.Commands;

/// <summary>`dupr pretrain`: DUPR or MoCo v2 pre-training on a folder of unlabeled images.</summary>
public sealed class PretrainCommand
{
    [Command("pretrain", Description = "Pre-train a ResNet with DUPR (or MoCo v2, by config) on unlabeled images; writes checkpoints, metrics.csv, TensorBoard events and backbone.pth into --output.")]
    public void Pretrain(
        GlobalOptions global,
        [Option("config", Description = "Recipe JSON (configs/pretrain/*.json); '_base_' inheritance allowed.")] string config,
        [Option("data", Description = "Folder of unlabeled JPEG/PNG images (searched recursively), e.g. data/shapes/unlabeled.")] string data,
        [Option("output", Description = "Run directory (created): config.json, metrics.csv, tb/, checkpoints/, backbone.pth.")] string output,
        [Option("resume", Description = "Continue from the run directory's last checkpoint.")] bool resume = false,
        [Option("skip-bad", Description = "Skip unreadable images (counted and reported at the end) instead of stopping.")] bool skipBad = false,
        [Option("set", Description = "Override a config key, e.g. --set solver.max_iter=200 (repeatable).")] string[]? set = null,
        [Option("probe-config", Description = "Detection recipe naming the labeled set the online kNN probe uses (train.probe_period > 0), e.g. configs/detection/voc_faster_rcnn_r18_c4_mini.json.")] string? probeConfig = null,
        [Option("probe-data", Description = "Data folder of that labeled set (as `dupr finetune --data`), e.g. data/shapes.")] string? probeData = null)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        var recipe = ConfigLoader.Load<PretrainConfig>(config, set);
        if ((probeConfig == null) != (probeData == null)) throw new DuprException("--probe-config and --probe-data go together");
        var device = runtime.Apply();
        using var monitor = probeConfig == null ? null : new KnnMonitor(ConfigLoader.Load<DetectionConfig>(probeConfig), probeData!, new ProbeOptions());
        var options = new PretrainRunOptions { Data = data, Output = output, Resume = resume, SkipBad = skipBad, Seed = runtime.Seed, Monitor = monitor };
        using var stop = new StopSignals();
        var result = new PretrainTrainer(recipe, options, device).Run(stop.Token);
        if (result.Interrupted)
            throw new DuprException($"interrupted at iteration {result.Iterations}/{result.MaxIter}; continue with --resume");
        Console.WriteLine($"pre-training finished: {result.Iterations} iterations, {result.ImagesPerSecond:0.0} images/s");
        Console.WriteLine($"  {string.Join(", ", result.LastTerms.Select(t => $"{t.Name} {t.Value:0.0000}"))}");
        Console.WriteLine($"  backbone: {Path.Combine(result.RunDirectory, PretrainTrainer.BackbonePth)}");
    }
}
