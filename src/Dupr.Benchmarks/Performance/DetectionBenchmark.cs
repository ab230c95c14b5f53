using Dupr.Benchmarks.Synthetic;
using Dupr.Core.Imaging;
using Dupr.Core.Modeling;
using Dupr.Core.Ops;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Detection.Config;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Modeling.MetaArch;
using Dupr.Detection.Training;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Performance;

/// <summary>How <see cref="DetectionBenchmark"/> runs.</summary>
public sealed record DetectionBenchmarkOptions
{
    /// <summary>Timed training steps (after <see cref="Warmup"/> untimed ones).</summary>
    public int Iterations { get; init; } = 10;

    /// <summary>Untimed steps (and inference batches) first: allocation, JIT and first-touch costs.</summary>
    public int Warmup { get; init; } = 2;

    /// <summary>Timed test images, in batches of <see cref="DetectionInference.DefaultBatchSize"/>.</summary>
    public int InferenceImages { get; init; } = 16;

    /// <summary>Seed of the scenes and of the detector's initialisation.</summary>
    public long Seed { get; init; }

    /// <summary>Throws <see cref="DuprException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (Iterations < 1) throw new DuprException($"--iterations: must be at least 1, got {Iterations}");
        if (Warmup < 0) throw new DuprException($"--warmup: must not be negative, got {Warmup}");
        if (InferenceImages < 1) throw new DuprException($"--inference-images: must be at least 1, got {InferenceImages}");
    }
}

/// <summary>One measured phase: its rate, the median time per unit, and the share of the phase's time spent in each timed op.</summary>
public sealed record DetectionBenchmarkRow(string Phase, double Rate, string Unit, double MedianSeconds, IReadOnlyDictionary<string, double> OpShares, long PeakBytes);

/// <summary>
/// Times the configured detector on synthetic scenes at the mini size (the synthetic world's images, through the config's
/// training and test transforms): training iterations/s and inference images/s, and the share of each spent in RoIAlign,
/// NMS and anchor matching (<see cref="OpTimer"/>, on only while timing). Works for whatever <see cref="DetectorFactory"/> builds.
/// </summary>
public static class DetectionBenchmark
{
    /// <summary>The ops whose share is reported, in column order.</summary>
    public static IReadOnlyList<string> Ops { get; } = [OpTimer.RoIAlign, OpTimer.Nms, OpTimer.AnchorMatching];

    /// <summary>Measures training, then inference, of <paramref name="config"/>'s detector on <paramref name="device"/>.</summary>
    public static IReadOnlyList<DetectionBenchmarkRow> Run(DetectionConfig config, DetectionBenchmarkOptions options, Device device)
    {
        options.Validate();
        config.Validate();
        Seeding.SeedAll(options.Seed);
        using var model = DetectorFactory.Create(config);
        model.to(device);
        OpTimer.Synchronize = device.type == DeviceType.CUDA ? () => cuda.synchronize(device) : null;
        try
        {
            return [Train(model, config, options, device), Infer(model, config, options, device)];
        }
        finally
        {
            OpTimer.Enabled = false;
            OpTimer.Synchronize = null;
        }
    }

    static DetectionBenchmarkRow Train(Detector model, DetectionConfig config, DetectionBenchmarkOptions options, Device device)
    {
        int batchSize = config.Train.BatchSize;
        // A few distinct batches cycled through: different image sizes and instance counts, as a real run sees.
        var batches = Batches(config, DetectionAugmentation.ForTraining(config.Input), batchSize, count: 4, options.Seed, device);
        try
        {
            model.train();
            var solver = config.Solver;
            double baseLr = LrSchedule.ScaledBaseLr(solver, batchSize);
            using var optimizer = new Sgd(model.parameters().Where(p => p.requires_grad), baseLr, solver.Momentum, weightDecay: solver.WeightDecay);
            Log.Info($"[bench detect] training: {options.Warmup} warm-up + {options.Iterations} timed steps of {batchSize} images");
            double Step(int i) => DeviceTimer.Time(() =>
            {
                using var scope = NewDisposeScope();
                foreach (var group in optimizer.ParamGroups) group.LearningRate = LrSchedule.At(solver, baseLr, i);
                using var region = Autocast.Enter(config.Train.Precision);
                model.TrainStep(batches[i % batches.Count], optimizer);
            }, device);
            for (int i = 0; i < options.Warmup; i++) Step(i);
            var (seconds, shares, peak) = Timed(() => Enumerable.Range(options.Warmup, options.Iterations).Select(Step).ToList());
            return new DetectionBenchmarkRow("train", seconds.Count / seconds.Sum(), "it/s", Statistics.Median(seconds), shares, peak);
        }
        finally
        {
            foreach (var batch in batches) batch.Dispose();
        }
    }

    static DetectionBenchmarkRow Infer(Detector model, DetectionConfig config, DetectionBenchmarkOptions options, Device device)
    {
        int batchSize = DetectionInference.DefaultBatchSize;
        int count = (options.InferenceImages + batchSize - 1) / batchSize;
        var batches = Batches(config, DetectionAugmentation.ForTest(config.Input), batchSize, count, options.Seed + 1, device);
        try
        {
            model.eval();
            Log.Info($"[bench detect] inference: {count} batches of {batchSize} images");
            double Batch(int i) => DeviceTimer.Time(() =>
            {
                using var scope = NewDisposeScope();
                model.Inference(batches[i % count]);
            }, device);
            for (int i = 0; i < Math.Min(options.Warmup, count); i++) Batch(i);
            var (seconds, shares, peak) = Timed(() => Enumerable.Range(0, count).Select(Batch).ToList());
            return new DetectionBenchmarkRow("inference", count * batchSize / seconds.Sum(), "images/s", Statistics.Median(seconds) / batchSize, shares, peak);
        }
        finally
        {
            foreach (var batch in batches) batch.Dispose();
        }
    }

    // Runs the timed part with the op timer on; returns each unit's seconds, the ops' shares of their sum, and peak memory.
    static (List<double> Seconds, IReadOnlyDictionary<string, double> Shares, long PeakBytes) Timed(Func<List<double>> run)
    {
        PeakMemory.Reset();
        OpTimer.Reset();
        OpTimer.Enabled = true;
        List<double> seconds = run();
        OpTimer.Enabled = false;
        var totals = OpTimer.Totals();
        double sum = seconds.Sum();
        var shares = Ops.ToDictionary(op => op, op => totals.TryGetValue(op, out TimeSpan t) ? t.TotalSeconds / sum : 0.0);
        return (seconds, shares, PeakMemory.Bytes());
    }

    /// <summary>
    /// <paramref name="count"/> batches of rendered synthetic-world scenes (sides 0.75-1.25 x the world's default size) with at
    /// least one object, transformed and collated; the same on any <paramref name="device"/> for one <paramref name="seed"/>.
    /// </summary>
    internal static List<DetectionBatch> Batches(DetectionConfig config, DetectionAugmentation augmentation, int batchSize, int count, long seed, Device device)
    {
        int classes = Math.Min(config.ClassCount(), ShapeCatalog.Count);
        int size = new SyntheticWorldOptions().Size;
        var batches = new List<DetectionBatch>();
        int next = 0;
        for (int b = 0; b < count; b++)
        {
            using var scope = NewDisposeScope();
            var samples = new List<DetectionSample>();
            while (samples.Count < batchSize)
            {
                int id = next++;
                var rng = new Random(unchecked((int)(seed * 7919 + id)));
                Scene scene = SceneLayout.Create(rng, size, classes);
                if (scene.Objects.Count == 0) continue;
                using DetectionSample raw = Sample(scene, SceneRenderer.RenderJpeg(scene, rng), id);
                DetectionSample sample = augmentation.Apply(raw, new SampleRng(seed, id));
                samples.Add(sample);
            }
            // The model's input, made before the timed steps (as the loader's workers and the copy would overlap a step).
            var batch = DetectionBatch.Collate(samples, config.Input.SizeDivisibility).ModelInput(config.Input.Normalization, device);
            scope.MoveToOuter(batch.Tensors);
            batches.Add(batch);
        }
        return batches;
    }

    static DetectionSample Sample(Scene scene, byte[] jpeg, int id) => new()
    {
        Image = ImageDecoder.Decode(jpeg, $"synthetic scene {id}"),
        Boxes = tensor(scene.Objects.SelectMany(o => new[] { (float)o.Box.X1, (float)o.Box.Y1, (float)o.Box.X2, (float)o.Box.Y2 }).ToArray()).view(-1, 4),
        Classes = tensor(scene.Objects.Select(o => (long)o.ClassIndex).ToArray()),
        Polygons = scene.Objects.Select(o => new InstancePolygons([o.Polygon.SelectMany(p => new[] { p.X, p.Y }).ToArray()])).ToList(),
        ImageId = id,
        OriginalSize = (scene.Height, scene.Width),
    };
}
