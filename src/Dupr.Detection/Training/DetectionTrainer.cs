using Dupr.Core.Checkpoints;
using Dupr.Core.Data;
using Dupr.Core.Distributed;
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
/// optional gradient accumulation (train.accumulation) and norm parameters' own weight decay (solver.weight_decay_norm),
/// metrics.csv + TensorBoard, atomic checkpoints and resume, a guard against non-finite losses, evaluation on the test set every
/// train.eval_period iterations and at the end (<see cref="TrainingEvaluation"/>), each after precise BN if test.precise_bn is on
/// (<see cref="PreciseBn"/>), and model_final.dat.
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
        // train.batch_size is the global batch (the paper's 16 on 8 GPUs): each rank takes its share, in micro-batches.
        var session = TrainerRun<TrainerState>.Open(_options.Output, _config, train, new RunOrigin(_options.Seed, _options.Data), _options.Resume, _device);
        var world = session.World;
        RunDirectory run = session.Directory;
        DetectionTrainingSet data = DetectionDatasets.Train(_config, _options.Data);
        // Built before training, so a bad test set fails now rather than after hours of training.
        DetectionTestSet? testSet = DetectionDatasets.Test(_config, _options.Data);
        // Under train.accumulation the loader gives micro-batches, accumulation of them per optimiser step.
        var loader = new DataLoader<DetectionSample, DetectionBatch>(data.Dataset,
            samples => DetectionBatch.Collate(samples, _config.Input.SizeDivisibility, pinMemory: DeviceSpec.PinsBatches(_device),
                                              bitmapMasks: _device.type != DeviceType.CPU && _config.Architecture.PredictsMasks()),
            session.LoaderOptions(train.Workers));
        if (loader.BatchesPerEpoch < train.Accumulation)
            throw new DuprException($"--data {_options.Data}: {data.Dataset.Count} training images make no full batch of {train.BatchSize}");
        var solver = _config.Solver;
        long maxIter = solver.MaxIter;
        double baseLr = LrSchedule.ScaledBaseLr(solver, train.BatchSize);

        Seeding.SeedAll(_options.Seed);
        using var model = DetectorFactory.Create(_config);
        if (_options.Weights is string weights && !_options.Resume) DetectorWeights.LoadBackbone(model, weights);
        model.to(_device);
        model.train();
        using var optimizer = session.Optimizer(model, model.parameters().Where(p => p.requires_grad), solver, baseLr);
        long start = session.Resume(model, optimizer)?.Iteration ?? 0;
        string microBatches = train.Accumulation > 1 || world.Size > 1 ? $" ({session.BatchLayout})" : "";
        Log.Info($"fine-tuning on {data.Description}: {data.Dataset.Count} images, batch {train.BatchSize}{microBatches}, {maxIter} iterations, base lr {baseLr:G4}, device {_device}");

        // Evaluations (and their precise BN) after these iterations; the loop checks the steps' values before them.
        bool PeriodicEvaluationDue(long iteration) => testSet != null && train.EvalPeriod > 0 && iteration % train.EvalPeriod == 0 && iteration < maxIter;
        var loop = session.Loop(new TrainingLoopOptions
        {
            Name = "finetune", Solver = solver, BaseLr = baseLr, LogPeriod = train.LogPeriod, RateColumn = "iterations_per_s",
            ReadAfter = PeriodicEvaluationDue,
        }, optimizer, start);
        // Resuming a finished run redoes its final evaluation, so its eval.csv row goes first. Rank 0 evaluates for every rank.
        var evaluation = testSet is null || !world.IsMain ? null : new TrainingEvaluation(run, testSet, start < maxIter ? start : start - 1, loop.Board!, _device, train.Workers);
        var preciseBn = new PreciseBn(_config.Test.PreciseBn, loader, _options.Seed, ModelInput);
        // Precise BN (when on) and then, unless it is already recorded, the evaluation after `iteration` steps. Every rank runs
        // precise BN (SyncBN layers gather statistics from all of them); evaluations are rank 0's.
        void PeriodicEvaluation(long iteration, bool recorded)
        {
            if (PreciseBnFor(model, preciseBn, iteration, cancellation) && !recorded && evaluation != null) Evaluate(evaluation, model, iteration, final: false, cancellation);
        }

        // A run stopped between checkpoint N and the end of evaluation N (killed, or stopped during it) has no row N yet; and
        // checkpoint N was written before evaluation N's precise BN, which an uninterrupted run carries on training with.
        if (start > 0 && PeriodicEvaluationDue(start)) PeriodicEvaluation(start, evaluation?.Recorded(start) ?? true);
        using var batches = session.Batches(loader, start, cancellation);

        StepReport Step(TrainingStep step)
        {
            // The samplers of the RPN and ROI heads draw from torch's generator: seeding it per step lets a resumed run repeat them.
            Seeding.SeedAll(TrainingLoop.StepSeed(_options.Seed, step.Iteration));
            using var micro = new StepBatches<DetectionBatch>(batches, train.Accumulation);
            optimizer.zero_grad();
            var parts = new List<DeviceScalars>();
            foreach (DetectionBatch batch in micro.Batches)
            {
                using var scope = NewDisposeScope();
                // The batch is copied to the device and normalised there; this scope frees that input.
                Dictionary<string, Tensor> losses;
                using (session.Autocast()) losses = model.Losses(ModelInput(batch));
                var total = Detector.Total(losses);
                // The total and every term, kept on the device for the log.
                parts.Add(DeviceScalars.Stack(["loss", .. losses.Keys], [total, .. losses.Values]).MoveToOuterDisposeScope());
                // Each micro-batch's losses (means over its images) weigh 1/accumulation: the step follows their mean gradient,
                // as detectron2's follows the mean over its GPUs.
                session.Backward(total);
            }
            session.EndStep(step, optimizer);
            var terms = DeviceScalars.Mean(parts);
            return new StepReport(terms, terms.Names, session.StepColumns);
        }

        void AfterStep(long iteration)
        {
            if (PeriodicEvaluationDue(iteration)) PeriodicEvaluation(iteration, recorded: false);
            StepCompleted?.Invoke(iteration);
        }

        var result = loop.Run(Step, iteration => session.Checkpoints.Save(model, optimizer, iteration, new TrainerState(iteration)), AfterStep, cancellation);
        // model_final.dat holds the statistics the final evaluation uses; a stop during their precise BN leaves both to --resume.
        bool interrupted = result.Interrupted || !PreciseBnFor(model, preciseBn, result.Iterations, cancellation);
        DetectionMetrics? final = null;
        if (!interrupted && world.IsMain)
        {
            ModuleCheckpoint.Save(model, run.PathOf(FinalWeights), CheckpointFormat.TorchSharp);
            if (evaluation != null) final = Evaluate(evaluation, model, result.Iterations, final: true, cancellation);
        }
        Log.Info($"{(interrupted ? "interrupted" : "finished")} at iteration {result.Iterations}/{maxIter}; checkpoint {result.LastCheckpoint}");
        return new DetectionTrainResult(run.Root, result.Iterations, maxIter, result.LastTerms, result.IterationsPerSecond, interrupted, final);
    }

    // False when a stop request cut precise BN short (the model is then as it was before it).
    static bool PreciseBnFor(Detector model, PreciseBn preciseBn, long iteration, CancellationToken cancellation)
    {
        try
        {
            preciseBn.Run(model, iteration, cancellation);
            return true;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Log.Warn($"precise BN at iteration {iteration} stopped by the stop request; its evaluation is skipped");
            return false;
        }
    }

    // A stop request during an evaluation skips it (the training loop then stops at the next step boundary).
    static DetectionMetrics? Evaluate(TrainingEvaluation evaluation, Detector model, long iteration, bool final, CancellationToken cancellation)
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

    // The loader's uint8 batch as the model's normalised input on the device, in the caller's dispose scope.
    DetectionBatch ModelInput(DetectionBatch batch) => batch.ModelInput(_config.Input.Normalization, _device);
}
