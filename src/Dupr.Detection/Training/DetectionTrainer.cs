using Dupr.Core.Checkpoints;
using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Detection.Config;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Modeling.MetaArch;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Training;

/// <summary>What a finished (or interrupted) fine-tuning run reports; <see cref="FinalMetrics"/> is null without a test set or when interrupted.</summary>
public sealed record DetectionTrainResult(string RunDirectory, long Iterations, long MaxIter, IReadOnlyList<(string Name, double Value)> LastTerms,
    double IterationsPerSecond, bool Interrupted, DetectionMetrics? FinalMetrics = null);

/// <summary>
/// Fine-tunes a detector (paper 4.x) on VOC or COCO data: SGD with the linear scaling rule, linear warm-up and multi-step decay,
/// metrics.csv + TensorBoard, atomic checkpoints and resume, a guard against non-finite losses, evaluation on the test set every
/// train.eval_period iterations and at the end (<see cref="TrainingEvaluation"/>), and model_final.dat.
/// </summary>
public sealed class DetectionTrainer
{
    /// <summary>File name of the final weights in the run directory.</summary>
    public const string FinalWeights = "model_final.dat";

    sealed record TrainerState(long Iteration);

    readonly DetectionConfig _config;
    readonly DetectionRunOptions _options;
    readonly Device _device;

    /// <summary>Raised after every optimiser step (and its checkpoint and evaluation, if due) with the number of steps done.</summary>
    public event Action<long>? StepCompleted;

    public DetectionTrainer(DetectionConfig config, DetectionRunOptions options, Device device)
    {
        config.Validate();
        _config = config;
        _options = options;
        _device = device;
    }

    /// <summary>Trains until max_iter or until <paramref name="cancellation"/> fires (then a checkpoint is written first).</summary>
    public DetectionTrainResult Run(CancellationToken cancellation = default)
    {
        var train = _config.Train;
        var checkpoints = new RunCheckpoints<TrainerState>(_options.Output, new RunOrigin(_options.Seed, _options.Data));
        RunDirectory run = RunDirectory.OpenForTraining(_options.Output, _config, _options.Resume, checkpoints.Latest != null);
        DetectionTrainingSet data = DetectionDatasets.Train(_config, _options.Data);
        // Built before training, so a bad test set fails now rather than after hours of training.
        DetectionTestSet? testSet = DetectionDatasets.Test(_config, _options.Data);
        var loader = new DataLoader<DetectionSample, DetectionBatch>(data.Dataset,
            samples => DetectionBatch.Collate(samples, _config.Input.SizeDivisibility),
            new DataLoaderOptions { BatchSize = train.BatchSize, Workers = train.Workers, Shuffle = true, DropLast = true, Seed = _options.Seed });
        if (loader.BatchesPerEpoch == 0)
            throw new DuprException($"--data {_options.Data}: {data.Dataset.Count} training images make no full batch of {train.BatchSize}");
        var solver = _config.Solver;
        long maxIter = solver.MaxIter;
        double baseLr = LrSchedule.ScaledBaseLr(solver, train.BatchSize);

        Seeding.SeedAll(_options.Seed);
        using var model = DetectorFactory.Create(_config);
        if (_options.Weights is string weights && !_options.Resume) DetectorWeights.LoadBackbone(model, weights);
        model.to(_device);
        model.train();
        using var optimizer = new Sgd(model.parameters().Where(p => p.requires_grad), baseLr, solver.Momentum, weightDecay: solver.WeightDecay);
        long start = 0;
        if (_options.Resume && checkpoints.Latest != null)
        {
            start = checkpoints.Load(model, optimizer).Iteration;
            Log.Info($"resumed from {checkpoints.Latest} at iteration {start}");
        }
        Log.Info($"fine-tuning on {data.Description}: {data.Dataset.Count} images, batch {train.BatchSize}, {maxIter} iterations, base lr {baseLr:G4}, device {_device}");

        var loop = new TrainingLoop(run, new TrainingLoopOptions
        {
            Name = "finetune", Solver = solver, BaseLr = baseLr, LogPeriod = train.LogPeriod, RateColumn = "iterations_per_s",
        }, optimizer, start, checkpoints.Latest);
        // Resuming a finished run redoes its final evaluation, so its eval.csv row goes first.
        var evaluation = testSet is null ? null : new TrainingEvaluation(run, testSet, start < maxIter ? start : start - 1, loop.Board, _device, train.Workers);
        bool PeriodicEvaluationDue(long iteration) => evaluation != null && train.EvalPeriod > 0 && iteration % train.EvalPeriod == 0 && iteration < maxIter;
        // A run stopped between checkpoint N and the end of evaluation N (killed, or stopped during it) has no row N yet.
        if (start > 0 && PeriodicEvaluationDue(start) && !evaluation!.Recorded(start))
            Evaluate(evaluation, model, start, final: false, cancellation);
        using var batches = loader.Stream(start, cancellation).GetEnumerator();

        StepReport Step(TrainingStep step)
        {
            // The samplers of the RPN and ROI heads draw from torch's generator: seeding it per step lets a resumed run repeat them.
            Seeding.SeedAll(TrainingLoop.StepSeed(_options.Seed, step.Iteration));
            if (!batches.MoveNext()) throw new InvalidOperationException("the loader ran out of batches");
            using DetectionBatch batch = batches.Current;
            // On another device the batch is copied there; the step's dispose scope frees the copy.
            var losses = model.Losses(_device.type == DeviceType.CPU ? batch : MoveTo(batch));
            var total = losses.Values.Aggregate((a, b) => a.add(b, One));
            var terms = losses.Select(l => (l.Key, (double)l.Value.item<float>())).Prepend(("loss", total.item<float>())).ToList();
            step.EnsureFinite(terms);
            optimizer.zero_grad();
            total.backward();
            optimizer.step();
            return new StepReport(terms);
        }

        void AfterStep(long iteration)
        {
            if (PeriodicEvaluationDue(iteration)) Evaluate(evaluation!, model, iteration, final: false, cancellation);
            StepCompleted?.Invoke(iteration);
        }

        var result = loop.Run(Step, iteration => checkpoints.Save(model, optimizer, iteration, new TrainerState(iteration)), AfterStep, cancellation);
        DetectionMetrics? final = null;
        if (!result.Interrupted)
        {
            ModuleCheckpoint.Save(model, run.PathOf(FinalWeights), CheckpointFormat.TorchSharp);
            if (evaluation != null) final = Evaluate(evaluation, model, result.Iterations, final: true, cancellation);
        }
        Log.Info($"{(result.Interrupted ? "interrupted" : "finished")} at iteration {result.Iterations}/{maxIter}; checkpoint {result.LastCheckpoint}");
        return new DetectionTrainResult(run.Root, result.Iterations, maxIter, result.LastTerms, result.IterationsPerSecond, result.Interrupted, final);
    }

    // A stop request during an evaluation skips it (the training loop then stops at the next step boundary).
    static DetectionMetrics? Evaluate(TrainingEvaluation evaluation, Modeling.MetaArch.Detector model, long iteration, bool final, CancellationToken cancellation)
    {
        try
        {
            return evaluation.Evaluate(model, iteration, final, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Log.Warn($"evaluation at iteration {iteration} stopped by the stop request" + (final ? "; run `dupr infer --evaluate` on model_final.dat" : ""));
            return null;
        }
    }

    DetectionBatch MoveTo(DetectionBatch batch) =>
        DetectionBatch.Collate(batch.Samples.Select(s => s with { Image = s.Image.to(_device), Boxes = s.Boxes.to(_device), Classes = s.Classes.to(_device) }).ToList(),
                               _config.Input.SizeDivisibility);
}
