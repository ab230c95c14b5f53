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
        Console.Write(DetectionBenchmarkReport.Table(recipe, device.ToString(), TorchSharp.torch.get_num_threads(), rows));
        if (output != null) DetectionBenchmarkReport.WriteCsv(rows, output);
    }
}
