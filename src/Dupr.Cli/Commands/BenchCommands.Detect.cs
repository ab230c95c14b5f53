using System.Globalization;
using Cocona;
using Dupr.Benchmarks.Performance;
using Dupr.Core.Config;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;

namespace Dupr.Cli.Commands;

/// <summary>`dupr bench detect`: training and inference speed of a detector, and where a step's time goes.</summary>
public sealed partial class BenchCommands
{
    [Command("detect", Description = "Time the config's detector on synthetic scenes at the mini size (the synthetic world's ~96-160 px images through the config's transforms, random init): training iterations/s and inference images/s, the median time per step / image, the share of each spent in RoIAlign, NMS and anchor matching, and peak memory.")]
    public void Detect(
        GlobalOptions global,
        [Option("config", Description = "Detection recipe to measure (any architecture the detector factory builds).")] string config = "configs/detection/voc_faster_rcnn_r18_c4_mini.json",
        [Option("iterations", Description = "Timed training steps (after the warm-up).")] int iterations = 10,
        [Option("warmup", Description = "Untimed training steps and inference batches first.")] int warmup = 2,
        [Option("inference-images", Description = "Timed test images (batches of 4).")] int inferenceImages = 16,
        [Option("set", Description = "Override a config key, e.g. --set train.batch_size=2 (repeatable).")] string[]? set = null,
        [Option("output", Description = "Also write the rows as CSV here.")] string? output = null)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        var recipe = ConfigLoader.Load<DetectionConfig>(config, set);
        var options = new DetectionBenchmarkOptions { Iterations = iterations, Warmup = warmup, InferenceImages = inferenceImages, Seed = runtime.Seed };
        options.Validate();
        var device = runtime.Apply();
        var rows = DetectionBenchmark.Run(recipe, options, device);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"{recipe.Architecture}, ResNet-{recipe.Backbone.Depth} (width {recipe.Backbone.Width}), train batch {recipe.Train.BatchSize}, " +
                          $"short edge {string.Join("/", recipe.Input.MinSizeTrain)} (test {recipe.Input.MinSizeTest}), {device}, {TorchSharp.torch.get_num_threads()} threads");
        Console.WriteLine($"{"phase",-10} {"rate",16} {"median s/unit",14} " + string.Concat(DetectionBenchmark.Ops.Select(op => $"{op,16}")) + $" {"peak MB",8}");
        foreach (var r in rows)
            Console.WriteLine(string.Create(inv, $"{r.Phase,-10} {$"{r.Rate:0.00} {r.Unit}",16} {r.MedianSeconds,14:0.000} ") +
                              string.Concat(DetectionBenchmark.Ops.Select(op => string.Create(inv, $"{r.OpShares[op],16:P1}"))) + string.Create(inv, $" {r.PeakBytes / 1048576.0,8:0}"));
        Console.WriteLine("shares: time inside each op over the phase's time (RoIAlign includes its backward; anchor matching: IoU, matching, sampling and targets of the RPN's anchors)");
        if (output != null)
            AtomicFile.WriteAllText(output, "phase,rate,unit,median_seconds," + string.Join(',', DetectionBenchmark.Ops.Select(op => op + "_share")) + ",peak_bytes\n" +
                string.Concat(rows.Select(r => string.Create(inv, $"{r.Phase},{r.Rate},{r.Unit},{r.MedianSeconds},") +
                    string.Join(',', DetectionBenchmark.Ops.Select(op => r.OpShares[op].ToString("R", inv))) + string.Create(inv, $",{r.PeakBytes}\n"))));
    }
}
