using System.Diagnostics;
using Dupr.Core.Checkpoints;
using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Pretrain.Config;
using Dupr.Pretrain.Data;
using Dupr.Pretrain.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Training;

/// <summary>What a finished (or interrupted) pre-training run reports.</summary>
public sealed record PretrainResult(string RunDirectory, long Iterations, long MaxIter, IReadOnlyList<(string Name, double Value)> LastTerms,
    long SkippedPairs, long BadImages, double ImagesPerSecond, bool Interrupted);

/// <summary>
/// Runs DUPR / MoCo v2 pre-training (paper 3.2.3): SGD with the linear scaling rule and per-iteration
/// cosine decay, optional gradient accumulation, metrics.csv + TensorBoard, atomic checkpoints and resume,
/// a guard against non-finite losses, and the export of the query backbone for fine-tuning.
/// </summary>
public sealed class PretrainTrainer
{
    /// <summary>File names of the exported backbone in the run directory.</summary>
    public const string BackbonePth = "backbone.pth", BackboneTorchSharp = "backbone.dat";

    readonly PretrainConfig _config;
    readonly PretrainRunOptions _options;
    readonly Device _device;

    /// <summary>Raised after every optimiser step with the number of steps done (progress reporting, tests).</summary>
    public event Action<long>? StepCompleted;

    public PretrainTrainer(PretrainConfig config, PretrainRunOptions options, Device device)
    {
        _config = config;
        _options = options;
        _device = device;
    }

    /// <summary>Trains until max_iter or until <paramref name="cancellation"/> fires (then a checkpoint is written first).</summary>
    public PretrainResult Run(CancellationToken cancellation = default)
    {
        var train = _config.Train;
        if (train.BatchSize < 1 || train.Accumulation < 1 || train.BatchSize % train.Accumulation != 0)
            throw new DuprException($"train.batch_size ({train.BatchSize}) must be a positive multiple of train.accumulation ({train.Accumulation})");
        int microBatch = train.BatchSize / train.Accumulation;

        var checkpoints = new PretrainCheckpoint(_options.Output);
        RunDirectory run = RunDirectory.OpenForTraining(_options.Output, _config, _options.Resume, checkpoints.Latest != null);
        var folder = new UnlabeledImageFolder(_options.Data);
        var loader = new DataLoader<TwoViewSample, TwoViewBatch>(
            new TwoViewDataset(folder, new ViewTransform(_config.Views)), TwoViewBatch.Collate,
            new DataLoaderOptions { BatchSize = microBatch, Workers = train.Workers, Shuffle = true, DropLast = true, Seed = _options.Seed, SkipBad = _options.SkipBad });
        int stepsPerEpoch = loader.BatchesPerEpoch / train.Accumulation;
        if (stepsPerEpoch == 0)
            throw new DuprException($"{_options.Data}: {folder.Count} images make no full batch of {train.BatchSize}");
        long maxIter = _config.Solver.MaxIter > 0 ? _config.Solver.MaxIter : (long)train.Epochs * stepsPerEpoch;
        var solver = _config.Solver with { MaxIter = maxIter };
        double baseLr = LrSchedule.ScaledBaseLr(solver, train.BatchSize);

        Seeding.SeedAll(_options.Seed); // weight and memory-bank initialisation repeat per seed
        using var model = new DuprModel(_config);
        model.to(_device);
        model.train();
        using var optimizer = optim.SGD(model.TrainableParameters(), baseLr, solver.Momentum, weight_decay: solver.WeightDecay);
        long start = 0, skipped = 0;
        if (_options.Resume && checkpoints.Latest != null)
        {
            (start, skipped) = checkpoints.Load(model, optimizer);
            Log.Info($"resumed from {checkpoints.Latest} at iteration {start}");
        }
        Log.Info($"pre-training {folder.Count} images, batch {train.BatchSize} " +
                 $"({train.Accumulation} x {microBatch}), {maxIter} iterations ({stepsPerEpoch}/epoch), base lr {baseLr:G4}, device {_device}");

        var metrics = new MetricsCsv(run.PathOf("metrics.csv"), resumeIteration: start);
        var board = torch.utils.tensorboard.SummaryWriter(run.PathOf("tb"));
        var progress = new Progress("pretrain", maxIter, "it", start);
        string? lastCheckpoint = checkpoints.Latest;
        IReadOnlyList<(string, double)> lastTerms = [];
        var clock = Stopwatch.StartNew();
        long images = 0;
        long iteration = start;
        bool interrupted = false;

        using var batches = loader.Stream(start * train.Accumulation, cancellation).GetEnumerator();
        while (iteration < maxIter)
        {
            if (cancellation.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }
            using (var scope = NewDisposeScope())
            {
                double lr = LrSchedule.At(solver, baseLr, iteration);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                var rng = new Random(StepSeed(_options.Seed, iteration));
                model.MomentumUpdate();
                var outputs = new List<DuprOutput>();
                int stepSkipped = 0;
                for (int micro = 0; micro < train.Accumulation; micro++)
                {
                    if (!batches.MoveNext()) throw new InvalidOperationException("the loader ran out of batches");
                    using TwoViewBatch batch = batches.Current;
                    var output = model.Forward(ViewPairBatch.From(batch, _device), rng);
                    (output.Loss / train.Accumulation).backward();
                    outputs.Add(output);
                    stepSkipped += output.PairsWithoutOverlap;
                }
                var terms = AverageTerms(outputs);
                terms.Insert(0, ("loss", outputs.Average(o => o.Loss.item<float>())));
                LossGuard.EnsureFinite(terms, iteration, lastCheckpoint);
                optimizer.step();
                optimizer.zero_grad();
                model.Enqueue(outputs, rng);
                skipped += stepSkipped;
                images += train.BatchSize;
                iteration++;
                lastTerms = terms;

                if (iteration % train.LogPeriod == 0 || iteration == maxIter)
                {
                    double rate = images / clock.Elapsed.TotalSeconds;
                    var row = terms.Concat([("lr", lr), ("images_per_s", rate), ("no_overlap", (double)stepSkipped)]).ToList();
                    metrics.Append(iteration, row);
                    foreach (var (name, value) in row) board.add_scalar($"pretrain/{name}", (float)value, (int)iteration);
                }
                progress.Report(iteration, string.Join(' ', terms.Take(3).Select(t => $"{t.Item1}={t.Item2:0.000}")) + $" lr={lr:G3}");
            }
            if (iteration % _config.Solver.CheckpointPeriod == 0 && iteration < maxIter)
                lastCheckpoint = checkpoints.Save(model, optimizer, iteration, skipped);
            StepCompleted?.Invoke(iteration);
        }

        lastCheckpoint = checkpoints.Save(model, optimizer, iteration, skipped);
        if (!interrupted) Export(model, run);
        Log.Info($"{(interrupted ? "interrupted" : "finished")} at iteration {iteration}/{maxIter}; checkpoint {lastCheckpoint}; " +
                 $"{skipped} image pairs without overlap skipped the patch loss" + (loader.BadSamples.Summary() is string bad ? $"; {bad}" : ""));
        return new PretrainResult(run.Root, iteration, maxIter, lastTerms, skipped, loader.BadSamples.Skipped,
            images / Math.Max(1e-9, clock.Elapsed.TotalSeconds), interrupted);
    }

    /// <summary>Writes the query backbone as backbone.pth (PyTorch, torchvision key names) and backbone.dat (TorchSharp).</summary>
    public static void Export(DuprModel model, RunDirectory run)
    {
        ModuleCheckpoint.Save(model.QueryEncoder.Backbone, run.PathOf(BackbonePth), CheckpointFormat.PyTorch);
        ModuleCheckpoint.Save(model.QueryEncoder.Backbone, run.PathOf(BackboneTorchSharp), CheckpointFormat.TorchSharp);
    }

    static List<(string Name, double Value)> AverageTerms(List<DuprOutput> outputs) =>
        outputs.SelectMany(o => o.Terms).GroupBy(t => t.Name).Select(g => (g.Key, g.Average(t => t.Value))).ToList();

    static int StepSeed(long seed, long iteration) => unchecked((int)(seed * 1_000_003L + iteration * 7_919L + 17));
}
