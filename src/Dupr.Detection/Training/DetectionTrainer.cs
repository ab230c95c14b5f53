using System.Diagnostics;
using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Detection.Config;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Datasets;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Modeling.MetaArch;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Detection.Training;

/// <summary>What a finished (or interrupted) fine-tuning run reports.</summary>
public sealed record DetectionTrainResult(string RunDirectory, long Iterations, long MaxIter, IReadOnlyList<(string Name, double Value)> LastTerms,
    double IterationsPerSecond, bool Interrupted);

/// <summary>
/// Fine-tunes a Faster R-CNN C4 detector (paper 4.2): SGD with the linear scaling rule, linear warm-up and multi-step decay,
/// metrics.csv + TensorBoard, atomic checkpoints and resume, a guard against non-finite losses, and model_final.dat at the end.
/// </summary>
public sealed class DetectionTrainer
{
    /// <summary>File name of the final weights in the run directory.</summary>
    public const string FinalWeights = "model_final.dat";

    sealed record TrainerState(long Iteration);

    readonly DetectionConfig _config;
    readonly DetectionRunOptions _options;
    readonly Device _device;

    public DetectionTrainer(DetectionConfig config, DetectionRunOptions options, Device device)
    {
        config.Validate();
        _config = config;
        _options = options;
        _device = device;
    }

    /// <summary>The VOCdevkit folder of a --data folder: DIR/VOCdevkit when present, else DIR itself.</summary>
    public static string Devkit(string data)
    {
        string nested = Path.Combine(data, "VOCdevkit");
        if (Directory.Exists(nested)) return nested;
        return Directory.Exists(data) ? data : throw new DuprException($"--data {data}: no such folder");
    }

    /// <summary>The class names of <paramref name="config"/> (the 20 VOC classes unless the config lists others).</summary>
    public static IReadOnlyList<string> ClassNames(DetectionConfig config) =>
        config.Datasets.ClassNames.Count > 0 ? config.Datasets.ClassNames : VocClasses.Names;

    /// <summary>Trains until max_iter or until <paramref name="cancellation"/> fires (then a checkpoint is written first).</summary>
    public DetectionTrainResult Run(CancellationToken cancellation = default)
    {
        var train = _config.Train;
        var checkpoints = new RunCheckpoints<TrainerState>(_options.Output);
        RunDirectory run = RunDirectory.OpenForTraining(_options.Output, _config, _options.Resume, checkpoints.Latest != null);
        var dataset = new VocDetectionDataset(Devkit(_options.Data), DatasetSection.ParseSets(_config.Datasets.Train, "datasets.train"),
            DetectionAugmentation.ForTraining(_config.Input), DetectionDatasetOptions.Training, ClassNames(_config));
        var loader = new DataLoader<DetectionSample, DetectionBatch>(dataset,
            samples => DetectionBatch.Collate(samples, _config.Input.SizeDivisibility),
            new DataLoaderOptions { BatchSize = train.BatchSize, Workers = train.Workers, Shuffle = true, DropLast = true, Seed = _options.Seed });
        if (loader.BatchesPerEpoch == 0)
            throw new DuprException($"--data {_options.Data}: {dataset.Count} training images make no full batch of {train.BatchSize}");
        var solver = _config.Solver;
        long maxIter = solver.MaxIter;
        double baseLr = LrSchedule.ScaledBaseLr(solver, train.BatchSize);

        Seeding.SeedAll(_options.Seed);
        using var model = DetectorFactory.Create(_config);
        if (_options.Weights is string weights && !_options.Resume) DetectorWeights.LoadBackbone(model, weights);
        model.to(_device);
        model.train();
        using var optimizer = optim.SGD(model.parameters().Where(p => p.requires_grad), baseLr, solver.Momentum, weight_decay: solver.WeightDecay);
        long start = 0;
        if (_options.Resume && checkpoints.Latest != null)
        {
            start = checkpoints.Load(model, optimizer).Iteration;
            Log.Info($"resumed from {checkpoints.Latest} at iteration {start}");
        }
        Log.Info($"fine-tuning on {dataset.Count} images, batch {train.BatchSize}, {maxIter} iterations, base lr {baseLr:G4}, device {_device}");

        var metrics = new MetricsCsv(run.PathOf("metrics.csv"), resumeIteration: start);
        var board = torch.utils.tensorboard.SummaryWriter(run.PathOf("tb"));
        var progress = new Progress("finetune", maxIter, "it", start);
        string? lastCheckpoint = checkpoints.Latest;
        IReadOnlyList<(string, double)> lastTerms = [];
        var clock = Stopwatch.StartNew();
        long iteration = start;
        bool interrupted = false;

        using var batches = loader.Stream(start, cancellation).GetEnumerator();
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
                if (!batches.MoveNext()) throw new InvalidOperationException("the loader ran out of batches");
                using DetectionBatch batch = batches.Current;
                // On another device the batch is copied there; the step's dispose scope frees the copy.
                var losses = model.Losses(_device.type == DeviceType.CPU ? batch : MoveTo(batch));
                var total = losses.Values.Aggregate((a, b) => a + b);
                var terms = losses.Select(l => (l.Key, (double)l.Value.item<float>())).Prepend(("loss", total.item<float>())).ToList();
                LossGuard.EnsureFinite(terms, iteration, lastCheckpoint);
                optimizer.zero_grad();
                total.backward();
                optimizer.step();
                iteration++;
                lastTerms = terms;

                if (iteration % train.LogPeriod == 0 || iteration == maxIter)
                {
                    double rate = (iteration - start) / clock.Elapsed.TotalSeconds;
                    var row = terms.Concat([("lr", lr), ("iterations_per_s", rate)]).ToList();
                    metrics.Append(iteration, row);
                    foreach (var (name, value) in row) board.add_scalar($"finetune/{name}", (float)value, (int)iteration);
                }
                progress.Report(iteration, $"loss={terms[0].Item2:0.000} lr={lr:G3}");
            }
            if (iteration % solver.CheckpointPeriod == 0 && iteration < maxIter)
                lastCheckpoint = checkpoints.Save(model, optimizer, iteration, new TrainerState(iteration));
        }

        lastCheckpoint = checkpoints.Save(model, optimizer, iteration, new TrainerState(iteration));
        if (!interrupted) Core.Checkpoints.ModuleCheckpoint.Save(model, run.PathOf(FinalWeights), Core.Checkpoints.CheckpointFormat.TorchSharp);
        Log.Info($"{(interrupted ? "interrupted" : "finished")} at iteration {iteration}/{maxIter}; checkpoint {lastCheckpoint}");
        return new DetectionTrainResult(run.Root, iteration, maxIter, lastTerms, (iteration - start) / Math.Max(1e-9, clock.Elapsed.TotalSeconds), interrupted);
    }

    DetectionBatch MoveTo(DetectionBatch batch) =>
        DetectionBatch.Collate(batch.Samples.Select(s => s with { Image = s.Image.to(_device), Boxes = s.Boxes.to(_device), Classes = s.Classes.to(_device) }).ToList(),
                               _config.Input.SizeDivisibility);
}
