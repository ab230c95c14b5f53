using Cocona;
using Dupr.Benchmarks.Performance;
using Dupr.Core.Runtime;

namespace Dupr.Cli.Commands;

/// <summary>`dupr bench ...`: performance benchmarks (this part: the data loaders).</summary>
public sealed partial class BenchCommands
{
    [Command("loader", Description = "Measure data-loading throughput: the pre-training two-view pipeline (MoCo v2, and with RandAugment) at 224 px and at the synthetic world's 128 px, the detection training input (a COCO dataset), and the images/s a ResNet-18 training step consumes at the same sizes (the loader should deliver at least 2x).")]
    public void Loader(
        GlobalOptions global,
        [Option("data", Description = "Folder of images for the pre-training rows (recursive JPEG/PNG); default: synthetic images generated in a temporary folder.")] string? data = null,
        [Option("coco-json", Description = "COCO (or LVIS) instances file for the detection row, with --coco-images; default: a generated synthetic world's COCO train split.")] string? cocoJson = null,
        [Option("coco-images", Description = "Image folder of --coco-json.")] string? cocoImages = null,
        [Option("workers", Description = "Loader worker threads.")] int workers = 2,
        [Option("batch-size", Description = "Pre-training samples per batch, also the ResNet-18 step's batch.")] int batchSize = 32,
        [Option("detection-batch-size", Description = "Detection images per batch.")] int detectionBatchSize = 4,
        [Option("batches", Description = "Timed pre-training batches per measurement (after one warm-up batch); detection times as many images.")] int batches = 8,
        [Option("train-steps", Description = "Timed ResNet-18 training steps per size (after one warm-up step); 0 skips them.")] int trainSteps = 3,
        [Option("skip-bad", Description = "Skip unreadable images (counted and reported at the end) instead of stopping with an error naming the file.")] bool skipBad = false,
        [Option("output", Description = "Also write the results as CSV to this file.")] string? output = null)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        if (data != null && !Directory.Exists(data)) throw new DuprException($"--data: {data}: folder not found");
        if (cocoJson != null && !File.Exists(cocoJson)) throw new DuprException($"--coco-json: {cocoJson}: file not found");
        if (cocoImages != null && !Directory.Exists(cocoImages)) throw new DuprException($"--coco-images: {cocoImages}: folder not found");
        var options = new LoaderBenchmarkOptions
        {
            Data = data, CocoJson = cocoJson, CocoImages = cocoImages, Workers = workers, BatchSize = batchSize, DetectionBatchSize = detectionBatchSize,
            Batches = batches, TrainSteps = trainSteps, Seed = runtime.Seed, SkipBad = skipBad,
        };
        options.Validate();
        var device = runtime.Apply();
        IReadOnlyList<LoaderBenchmarkRow> rows = LoaderBenchmark.Run(options, device);
        Console.Write(LoaderBenchmarkReport.Table(rows));
        if (output != null)
        {
            LoaderBenchmarkReport.WriteCsv(rows, output);
            Console.WriteLine($"wrote {Path.GetFullPath(output)}");
        }
    }
}
