using Dupr.Benchmarks.Synthetic;
using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Datasets;
using Dupr.Detection.Data.Transforms;
using Dupr.Pretrain.Data;
using TorchSharp;

namespace Dupr.Benchmarks.Performance;

/// <summary>
/// Times the data pipelines (pre-training two-view at 224 px and at the synthetic world's 128 px, with
/// and without RandAugment; detection training input) and the images/s a ResNet-18 training step
/// consumes at the same sizes, to check that loading is never the bottleneck.
/// </summary>
public static class LoaderBenchmark
{
    /// <summary>The synthetic world's default image size (<see cref="SyntheticWorldOptions.Size"/>).</summary>
    public static readonly int SyntheticSize = new SyntheticWorldOptions().Size;

    /// <summary>Runs every measurement; progress goes to <see cref="Log"/>.</summary>
    public static IReadOnlyList<LoaderBenchmarkRow> Run(LoaderBenchmarkOptions options, torch.Device device, CancellationToken cancellation = default)
    {
        options.Validate();
        string scratch = Path.Combine(Path.GetTempPath(), $"dupr-bench-loader-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var (small, large, description) = Sources(options, scratch);
            string cache = Path.Combine(scratch, "index");
            var rows = new List<LoaderBenchmarkRow>();
            var consumption = new Dictionary<int, double>();
            foreach (int size in new[] { 224, SyntheticSize })
            {
                if (options.TrainSteps > 0)
                {
                    Log.Info($"ResNet-18 training step at {size} px ...");
                    var (images, seconds, cpu) = TrainStepBenchmark.Measure(size, options.BatchSize, options.TrainSteps, device);
                    consumption[size] = images / seconds;
                    rows.Add(new LoaderBenchmarkRow($"ResNet-18 train step (batch {options.BatchSize})", $"{size}", "random tensors",
                        torch.get_num_threads(), images, seconds, cpu, "images (fwd+bwd)"));
                }
                string folder = size == 224 ? large : small;
                foreach (var (name, augmentation) in new[] { ("pretrain MoCo v2", ViewAugmentationOptions.MocoV2(size)), ("pretrain MoCo v2 + RandAugment", ViewAugmentationOptions.MocoV2WithRandAugment(size)) })
                {
                    Log.Info($"{name} loader at {size} px ...");
                    var dataset = new TwoViewDataset(new UnlabeledImageFolder(folder, cache), new ViewTransform(augmentation));
                    var loader = new DataLoader<TwoViewSample, TwoViewBatch>(dataset, TwoViewBatch.Collate, LoaderOptions(options, options.BatchSize));
                    var (count, seconds, cpu) = Time(loader, b => b.Count, options.Batches, cancellation);
                    rows.Add(new LoaderBenchmarkRow($"{name} (2 views/sample)", $"{size}", description(folder), options.Workers, count, seconds, cpu, "samples",
                        consumption.GetValueOrDefault(size)));
                    Report(loader.BadSamples);
                }
            }

            var transforms = new DetectionTransformOptions();
            var (json, imageFolder, labeled) = DetectionSource(options, scratch);
            Log.Info("detection training input ...");
            var detection = new DataLoader<DetectionSample, DetectionBatch>(
                new CocoDetectionDataset(json, imageFolder, DetectionAugmentation.ForTraining(transforms)),
                samples => DetectionBatch.Collate(samples, transforms.SizeDivisibility), LoaderOptions(options, options.DetectionBatchSize));
            // As many detection images as pre-training samples, so both timings span similar work.
            int detectionBatches = Math.Max(1, options.Batches * options.BatchSize / options.DetectionBatchSize);
            var (detCount, detSeconds, detCpu) = Time(detection, b => b.Samples.Count, detectionBatches, cancellation);
            rows.Add(new LoaderBenchmarkRow("detection train input (COCO: decode, resize, flip, pad; uint8)",
                $"{transforms.MinSizeTrain[0]}-{transforms.MinSizeTrain[^1]} (max {transforms.MaxSizeTrain})", labeled, options.Workers, detCount, detSeconds, detCpu, "images"));
            Report(detection.BadSamples);
            return rows;
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    static DataLoaderOptions LoaderOptions(LoaderBenchmarkOptions options, int batchSize) =>
        new() { BatchSize = batchSize, Workers = options.Workers, Seed = options.Seed, SkipBad = options.SkipBad };

    // The user's folder serves every pre-training row; otherwise the default world (128 px) for its own
    // size, and an ImageNet-like world (448 px nominal, 336-560 px sides) for 224 px views, so decoding
    // costs what it costs on ImageNet-sized JPEGs.
    static (string Small, string Large, Func<string, string> Describe) Sources(LoaderBenchmarkOptions options, string scratch)
    {
        if (options.Data != null)
        {
            string data = Path.GetFullPath(options.Data);
            return (data, data, _ => data);
        }
        Log.Info("generating synthetic images for the benchmark ...");
        string small = Path.Combine(scratch, SmallWorldFolder), large = Path.Combine(scratch, "world-448");
        var smallWorld = SmallWorld(options) with { Unlabeled = 256 };
        var largeWorld = new SyntheticWorldOptions { Train = 1, Val = 1, Unlabeled = 128, Size = 448, Seed = options.Seed };
        SyntheticWorld.Generate(smallWorld, small);
        SyntheticWorld.Generate(largeWorld, large);
        return (Path.Combine(small, "unlabeled"), Path.Combine(large, "unlabeled"),
            folder => folder.StartsWith(large, StringComparison.Ordinal)
                ? $"synthetic JPEG, {largeWorld.Size * 3 / 4}-{largeWorld.Size * 5 / 4} px"
                : $"synthetic JPEG, {smallWorld.Size * 3 / 4}-{smallWorld.Size * 5 / 4} px");
    }

    const string SmallWorldFolder = "world-128";

    // The default world's labeled part: 64 training images with boxes and polygons.
    static SyntheticWorldOptions SmallWorld(LoaderBenchmarkOptions options) => new() { Train = 64, Val = 1, Unlabeled = 0, Seed = options.Seed };

    // The user's COCO file, else the default world's COCO train split (generated here when the
    // pre-training rows read the user's folder).
    static (string Json, string Images, string Description) DetectionSource(LoaderBenchmarkOptions options, string scratch)
    {
        if (options.CocoJson != null) return (options.CocoJson, options.CocoImages!, $"COCO {Path.GetFileName(options.CocoJson)}");
        string world = Path.Combine(scratch, SmallWorldFolder);
        SyntheticWorldOptions labeled = SmallWorld(options);
        if (options.Data != null) SyntheticWorld.Generate(labeled, world);
        return (Path.Combine(world, "coco", "annotations", "instances_train.json"), Path.Combine(world, "coco", "train"),
            $"synthetic COCO, {labeled.Size * 3 / 4}-{labeled.Size * 5 / 4} px");
    }

    // Wall time of `batches` batches after a one-batch warm-up, epochs chained as needed; the
    // time includes thread start-up and filling the prefetch queue, so it slightly undercounts.
    static (int Count, double Seconds, double CpuSeconds) Time<TSample, TBatch>(DataLoader<TSample, TBatch> loader, Func<TBatch, int> size, int batches, CancellationToken cancellation)
        where TBatch : class, IBatch
    {
        foreach (TBatch warm in loader.Epoch(0, cancellation: cancellation))
        {
            warm.Dispose();
            break;
        }
        int seen = 0, count = 0;
        var clock = CpuClock.Start();
        for (int epoch = 1; seen < batches; epoch++)
        {
            foreach (TBatch batch in loader.Epoch(epoch, cancellation: cancellation))
            {
                using (batch) count += size(batch);
                if (++seen == batches) break;
            }
        }
        var (wall, cpu) = clock.Elapsed();
        return (count, wall, cpu);
    }

    static void Report(BadSampleLog bad)
    {
        if (bad.Summary() is { } summary) Log.Warn(summary);
    }
}
