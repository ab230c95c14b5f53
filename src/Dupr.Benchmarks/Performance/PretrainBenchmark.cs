using Dupr.Core.Modeling;
using Dupr.Core.Training;
using Dupr.Pretrain.Config;
using Dupr.Pretrain.Geometry;
using Dupr.Pretrain.Losses;
using Dupr.Pretrain.Model;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Performance;

/// <summary>
/// One measured pre-training method: time per step, of the backbone passes and of the InfoNCE terms against the banks
/// (forward and backward, on embeddings of the step's shapes), the share outside the backbone passes, peak memory.
/// </summary>
public sealed record PretrainBenchmarkRow(string Method, double StepSeconds, double BackboneSeconds, double LossSeconds, double ImagesPerSecond, long PeakBytes)
{
    /// <summary>Share of a step spent outside the query forward+backward and key forward of the backbone.</summary>
    public double OutsideBackboneShare => Math.Max(0, StepSeconds - BackboneSeconds) / StepSeconds;
}

/// <summary>
/// Times a DUPR step against a MoCo v2 step with the same backbone, image size and batch, on random
/// views (the loader is benchmarked separately): the paper's claim is that patch features come
/// almost for free from the feature maps the image-level loss computes anyway.
/// </summary>
public static class PretrainBenchmark
{
    /// <summary>
    /// Measures both methods: two warm-up rounds, then <paramref name="repeats"/> rounds that time one step of each in
    /// turn (medians), so that a machine whose speed drifts during the run slows both alike. Both models stay resident;
    /// peak memory is the largest resident size during a method's own steps.
    /// </summary>
    public static IReadOnlyList<PretrainBenchmarkRow> Run(PretrainConfig dupr, PretrainConfig moco, int repeats, Device device)
    {
        var methods = new[] { new Method("MoCo v2", moco, device), new Method("DUPR", dupr, device) };
        try
        {
            for (int round = 0; round < 2 + repeats; round++)
                foreach (var method in methods)
                    method.Round(timed: round >= 2);
            return methods.Select(m => m.Row()).ToList();
        }
        finally
        {
            foreach (var method in methods) method.Dispose();
        }
    }

    // One method's model, optimiser, batch and timings.
    sealed class Method : IDisposable
    {
        readonly string name;
        readonly PretrainConfig config;
        readonly Device device;
        readonly DuprModel model;
        readonly optim.Optimizer optimizer;
        readonly ViewPairBatch batch;
        readonly Random rng = new(0);
        readonly List<double> steps = [], backbones = [], losses = [];
        long peak;

        public Method(string name, PretrainConfig config, Device device)
        {
            (this.name, this.config, this.device) = (name, config, device);
            model = new DuprModel(config);
            model.to(device);
            model.train();
            optimizer = new Sgd(model.TrainableParameters(), 0.01, 0.9, weightDecay: 1e-4);
            batch = RandomBatch(config, device);
        }

        public void Round(bool timed)
        {
            PeakMemory.Reset();
            double step = DeviceTimer.Time(Step, device);
            peak = Math.Max(peak, PeakMemory.Bytes());
            double backbone = DeviceTimer.Time(Backbones, device);
            double loss = DeviceTimer.Time(Losses, device);
            if (!timed) return;
            steps.Add(step);
            backbones.Add(backbone);
            losses.Add(loss);
        }

        public PretrainBenchmarkRow Row()
        {
            double step = Statistics.Median(steps);
            return new PretrainBenchmarkRow(name, step, Statistics.Median(backbones), Statistics.Median(losses), config.Train.BatchSize / step, peak);
        }

        void Step()
        {
            using var scope = NewDisposeScope();
            model.MomentumUpdate();
            DuprOutput output;
            using (Autocast.Enter(config.Train.Precision)) output = model.Forward(batch, rng);
            output.Loss.backward();
            optimizer.step();
            optimizer.zero_grad();
            model.Enqueue([output], rng);
        }

        // The query forward+backward and key forward of the ResNet alone, as a step runs them (grouped BN).
        void Backbones()
        {
            using var scope = NewDisposeScope();
            using var region = Autocast.Enter(config.Train.Precision);
            var features = model.QueryFeatures(batch.Queries);
            features.Values.Select(f => f.mean()).Aggregate((a, b) => a.add(b, One)).backward();
            using (no_grad()) model.KeyFeatures(batch.Keys, rng);
            optimizer.zero_grad();
        }

        // Every InfoNCE term of a step against the model's own banks (the model's own loss, DuprModel.ContrastLoss), on random
        // unit embeddings of the step's shapes: image levels [N, D], patch levels [N, S*S, D].
        void Losses()
        {
            using var scope = NewDisposeScope();
            var contrast = config.Contrast;
            int n = config.Train.BatchSize;
            Tensor Unit(params long[] shape) => nn.functional.normalize(randn(shape, device: device), dim: -1);
            long Positions(string level) => (long)contrast.RoiSize[ContrastSection.LevelIndex(level)] * contrast.RoiSize[ContrastSection.LevelIndex(level)];
            var encoder = model.QueryEncoder;
            var imageQueries = encoder.ImageLevels.ToDictionary(level => level, _ => Unit(n, contrast.Dim).requires_grad_(true));
            var imageKeys = encoder.ImageLevels.ToDictionary(level => level, _ => Unit(n, contrast.Dim));
            var patchQueries = encoder.PatchLevels.ToDictionary(level => level, level => Unit(n, Positions(level), contrast.Dim).requires_grad_(true));
            var patchKeys = encoder.PatchLevels.ToDictionary(level => level, level => Unit(n, Positions(level), contrast.Dim));
            using var region = Autocast.Enter(config.Train.Precision);
            model.ContrastLoss(imageQueries, imageKeys, patchQueries, patchKeys, n, skipped: 0, device, rng).Loss.backward();
        }

        public void Dispose()
        {
            optimizer.Dispose();
            model.Dispose();
        }
    }

    /// <summary>The MoCo v2 counterpart of a DUPR recipe: same backbone, views, batch and banks; image loss on conv5_x only, tau 0.2.</summary>
    public static PretrainConfig MocoOf(PretrainConfig dupr)
    {
        var moco = Core.Config.ConfigLoader.Load<PretrainConfig>(null, []);
        moco.Model = dupr.Model;
        moco.Views = dupr.Views;
        moco.Train = dupr.Train;
        moco.Contrast = new ContrastSection
        {
            Alpha = [0, 0, 0, 1], Beta = [0, 0, 0, 0], RoiSize = dupr.Contrast.RoiSize, Temperature = 0.2,
            QueueSize = dupr.Contrast.QueueSize, Dim = dupr.Contrast.Dim, Momentum = dupr.Contrast.Momentum,
            ShuffleBnGroups = dupr.Contrast.ShuffleBnGroups,
        };
        return moco;
    }

    /// <summary>A batch of <paramref name="config"/>'s size of random views and view frames, the same on any <paramref name="device"/> for one <paramref name="seed"/>.</summary>
    internal static ViewPairBatch RandomBatch(PretrainConfig config, Device device, long seed = 1)
    {
        int n = config.Train.BatchSize, size = config.Views.Size;
        var generator = new Random(unchecked((int)seed));
        using var pixels = new Generator((ulong)seed);
        ViewFrame Frame()
        {
            double w = 80 + generator.NextDouble() * 80, h = 80 + generator.NextDouble() * 80, x = generator.NextDouble() * 60, y = generator.NextDouble() * 60;
            return new ViewFrame(new Box(x, y, x + w, y + h), size, size, generator.Next(2) == 1);
        }
        return new ViewPairBatch(randn([n, 3, size, size], generator: pixels).to(device), randn([n, 3, size, size], generator: pixels).to(device),
            Enumerable.Range(0, n).Select(_ => Frame()).ToList(), Enumerable.Range(0, n).Select(_ => Frame()).ToList());
    }
}
