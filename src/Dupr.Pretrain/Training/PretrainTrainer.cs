using Dupr.Core.Checkpoints;
using Dupr.Core.Data;
using Dupr.Core.Distributed;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Pretrain.Config;
using Dupr.Pretrain.Data;
using Dupr.Pretrain.Model;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Training;

/// <summary>The pre-training trainer's state in each checkpoint: steps done and image pairs whose views did not overlap so far.</summary>
public sealed record PretrainState(long Iteration, long SkippedPairs);

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
        if (train.ProbePeriod < 0 || (train.ProbePeriod > 0 && train.ProbePeriod % train.LogPeriod != 0))
            throw new DuprException($"train.probe_period ({train.ProbePeriod}) must be 0 or a multiple of train.log_period ({train.LogPeriod})");
        if (train.ProbePeriod > 0 && _options.Monitor is null)
            throw new DuprException("train.probe_period needs a labeled set to probe on (dupr pretrain --probe-config and --probe-data)");

        // train.batch_size is the global batch (the paper's 256 on 8 GPUs): each rank takes its share, in micro-batches.
        var session = TrainerRun<PretrainState>.Open(_options.Output, _config, train, new RunOrigin(_options.Seed, _options.Data), _options.Resume, _device);
        var world = session.World;
        var folder = new UnlabeledImageFolder(_options.Data);
        var loader = new DataLoader<TwoViewSample, TwoViewBatch>(
            new TwoViewDataset(folder, new ViewTransform(_config.Views)), samples => TwoViewBatch.Collate(samples, pinMemory: DeviceSpec.PinsBatches(_device)),
            session.LoaderOptions(train.Workers, _options.SkipBad));
        int stepsPerEpoch = loader.BatchesPerEpoch / train.Accumulation;
        if (stepsPerEpoch == 0)
            throw new DuprException($"{_options.Data}: {folder.Count} images make no full batch of {train.BatchSize}");
        long maxIter = _config.Solver.MaxIter > 0 ? _config.Solver.MaxIter : (long)train.Epochs * stepsPerEpoch;
        var solver = _config.Solver with { MaxIter = maxIter };
        double baseLr = LrSchedule.ScaledBaseLr(solver, train.BatchSize);

        Seeding.SeedAll(_options.Seed); // weight and memory-bank initialisation repeat per seed
        using var model = new DuprModel(_config, world);
        model.to(_device);
        model.train();
        using var optimizer = session.Optimizer(model, model.TrainableParameters(), solver, baseLr);
        string[] termNames = [.. model.TermNames], lossNames = ["loss", .. termNames];
        var resumed = session.Resume(model, optimizer);
        long start = resumed?.Iteration ?? 0, skipped = resumed?.SkippedPairs ?? 0;
        Log.Info($"pre-training {folder.Count} images, batch {train.BatchSize} " +
                 $"({session.BatchLayout}), {maxIter} iterations ({stepsPerEpoch}/epoch), base lr {baseLr:G4}, device {_device}");

        if (start == 0 && _config.Contrast.FillQueuesAtStart)
        {
            int used = model.FillQueues(FillBatches(loader), new Random(TrainingLoop.StepSeed(_options.Seed, FillEpoch)));
            Log.Info($"filled the memory banks with keys of {used} batches of views (epoch {FillEpoch})");
        }
        var loop = session.Loop(new TrainingLoopOptions
        {
            Name = "pretrain", Solver = solver, BaseLr = baseLr, LogPeriod = train.LogPeriod,
            RateColumn = "images_per_s", RateUnitsPerIteration = train.BatchSize, ProgressTerms = 3,
        }, optimizer, start);
        using var batches = session.Batches(loader, start, cancellation);
        if (start == 0 && train.ProbePeriod > 0 && world.IsMain) loop.LogExtra(0, Probe(model));

        StepReport Step(TrainingStep step)
        {
            using var micro = new StepBatches<TwoViewBatch>(batches, train.Accumulation);
            var rng = new Random(TrainingLoop.StepSeed(_options.Seed, step.Iteration));
            model.MomentumUpdate();
            var outputs = new List<DuprOutput>();
            int stepSkipped = 0;
            foreach (TwoViewBatch batch in micro.Batches)
            {
                DuprOutput output;
                using (session.Autocast()) output = model.Forward(ViewPairBatch.From(batch, _config.Views, _device), rng);
                session.Backward(output.Loss);
                outputs.Add(output);
                stepSkipped += output.PairsWithoutOverlap;
            }
            session.EndStep(step, optimizer);
            optimizer.zero_grad();
            model.Enqueue(outputs, rng);
            stepSkipped = (int)world.AllReduceSum([stepSkipped])[0];
            skipped += stepSkipped;
            var accuracies = DeviceScalars.Mean([.. outputs.Select(o => o.Accuracies)]);
            bool probe = train.ProbePeriod > 0 && (step.Iteration + 1) % train.ProbePeriod == 0 && world.IsMain;
            return new StepReport(DeviceScalars.Mean([.. outputs.Select(o => o.Terms)]), lossNames,
                [("no_overlap", stepSkipped), .. probe ? Probe(model) : [], .. session.StepColumns],
                accuracies with { Names = [.. accuracies.Names.Select(name => AccuracyPrefix + name)] }, [.. termNames.Select(name => AccuracyPrefix + name)]);
        }

        string Save(long iteration)
        {
            // Every rank must hold the same weights and banks; rank 0's checkpoint stands for all of them.
            world.EnsureSame(model.ReplicaChecksums(), "the weights and memory banks");
            return session.Checkpoints.Save(model, optimizer, iteration, new PretrainState(iteration, skipped));
        }

        var result = loop.Run(Step, Save, iteration => StepCompleted?.Invoke(iteration), cancellation);
        if (!result.Interrupted && world.IsMain) Export(model, session.Directory);
        Log.Info($"{(result.Interrupted ? "interrupted" : "finished")} at iteration {result.Iterations}/{maxIter}; checkpoint {result.LastCheckpoint}; " +
                 $"{skipped} image pairs without overlap skipped the patch loss" + (loader.BadSamples.Summary() is string bad ? $"; {bad}" : ""));
        return new PretrainResult(session.Directory.Root, result.Iterations, maxIter, result.LastTerms, skipped, loader.BadSamples.Skipped,
            result.IterationsPerSecond * train.BatchSize, result.Interrupted);
    }

    // The monitor sees the query backbone as fine-tuning would load it: eval mode, BN running statistics.
    IReadOnlyList<(string Name, double Value)> Probe(DuprModel model)
    {
        var backbone = model.QueryEncoder.Backbone;
        backbone.eval();
        try
        {
            return _options.Monitor!.Measure(backbone).Select(v => (ProbePrefix + v.Name, v.Value)).ToList();
        }
        finally
        {
            backbone.train();
        }
    }

    /// <summary>Prefix of the metrics.csv columns the backbone monitor writes (probe_knn_res5, ...).</summary>
    public const string ProbePrefix = "probe_";

    // The views that fill the banks come from an epoch that training never reaches, so no query meets its own key there.
    const int FillEpoch = -1;

    IEnumerable<ViewPairBatch> FillBatches(DataLoader<TwoViewSample, TwoViewBatch> loader)
    {
        foreach (TwoViewBatch batch in loader.Epoch(FillEpoch))
            using (batch)
                yield return ViewPairBatch.From(batch, _config.Views, _device);
    }

    /// <summary>Writes the query backbone as backbone.pth (PyTorch, torchvision key names) and backbone.dat (TorchSharp).</summary>
    public static void Export(DuprModel model, RunDirectory run)
    {
        ModuleCheckpoint.Save(model.QueryEncoder.Backbone, run.PathOf(BackbonePth), CheckpointFormat.PyTorch);
        ModuleCheckpoint.Save(model.QueryEncoder.Backbone, run.PathOf(BackboneTorchSharp), CheckpointFormat.TorchSharp);
    }

    /// <summary>Prefix of the metrics.csv columns holding a loss term's contrastive top-1 accuracy (acc1_image_res5, ...).</summary>
    public const string AccuracyPrefix = "acc1_";
}
