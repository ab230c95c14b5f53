using Dupr.Core.Checkpoints;
using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Modeling.MetaArch;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Detection.Training;

/// <summary>What `dupr infer` produced: images, speed, the results it wrote (file or folder) and, when asked, their metrics.</summary>
public sealed record DetectionInferenceResult(int Images, double ImagesPerSecond, string Results, DetectionMetrics? Metrics);

/// <summary>
/// Runs a detector over a test set: the shared pass of `dupr infer` and of the evaluations during fine-tuning. Results are
/// COCO results JSON (COCO-format configs) or VOC per-class files (VOC-format configs), ready for `dupr evaluate coco|voc`.
/// </summary>
public static class DetectionInference
{
    /// <summary>Images per forward pass unless told otherwise (the batch pads images to a common size, so it can move results slightly).</summary>
    public const int DefaultBatchSize = 4;

    /// <summary>
    /// Detects on every image of <paramref name="set"/> with <paramref name="model"/> (in eval mode for the pass, then back to its
    /// previous mode) into <paramref name="results"/>; returns the images/s.
    /// </summary>
    public static double Predict(Detector model, DetectionTestSet set, DetectionResults results, Device device, int batchSize = DefaultBatchSize,
                                 int workers = 2, CancellationToken cancellation = default)
    {
        if (batchSize < 1) throw new DuprException($"batch size must be positive, got {batchSize}");
        int sizeDivisibility = model.Config.Input.SizeDivisibility;
        var loader = new DataLoader<DetectionSample, DetectionBatch>(set.Dataset, samples => DetectionBatch.Collate(samples, sizeDivisibility, pinMemory: DeviceSpec.PinsBatches(device)),
            new DataLoaderOptions { BatchSize = batchSize, Workers = workers, Shuffle = false });
        bool training = model.training;
        model.eval();
        try
        {
            var progress = new Progress("infer", set.Dataset.Count, "img");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int done = 0;
            foreach (DetectionBatch batch in loader.Epoch(0, 0, cancellation))
            {
                using var _ = batch;
                using var scope = NewDisposeScope();
                var detections = model.Inference(batch.ModelInput(model.Config.Input.Normalization, device));
                for (int i = 0; i < detections.Length; i++) results.Add(batch.Samples[i], detections[i]);
                done += detections.Length;
                progress.Report(done);
            }
            return done / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            if (training) model.train();
        }
    }

    /// <summary>
    /// `dupr infer`: detects on the config's test set of <paramref name="data"/> with <paramref name="weights"/> (model_final.dat or a
    /// checkpoint's model.dat), writes the results into <paramref name="output"/> and, with <paramref name="evaluate"/>, scores them
    /// and writes metrics.json beside them.
    /// </summary>
    public static DetectionInferenceResult Run(DetectionConfig config, string weights, string data, string output, Device device,
                                               int batchSize = DefaultBatchSize, bool evaluate = false, CancellationToken cancellation = default)
    {
        OutputFolder.Create(output); // first, so that an unusable --output fails now rather than after the pass
        DetectionTestSet set = DetectionDatasets.Test(config, data) ?? throw new DuprException("datasets.test is empty: nothing to detect on");
        using var model = DetectorFactory.Create(config);
        ModuleCheckpoint.Load(model, weights);
        model.to(device);
        DetectionResults results = set.NewResults();
        Log.Info($"detecting on {set.Description}: {set.Dataset.Count} images");
        double rate = Predict(model, set, results, device, batchSize, config.Train.Workers, cancellation);
        string written = results.Write(output);
        DetectionMetrics? metrics = null;
        if (evaluate)
        {
            metrics = results.Evaluate();
            metrics.Write(Path.Combine(output, DetectionMetrics.FileName));
        }
        return new DetectionInferenceResult(set.Dataset.Count, rate, written, metrics);
    }
}
