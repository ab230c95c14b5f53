using Cocona;
using Dupr.Core.Config;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Detection.Training;

namespace Dupr.Cli.Commands;

/// <summary>`dupr infer`: runs a fine-tuned detector on the test set and writes results files for `dupr evaluate` (or scores them itself).</summary>
public sealed class InferCommand
{
    [Command("infer", Description = "Detect objects on the config's test set with fine-tuned weights; writes COCO results JSON (coco_instances_results.json: bbox, and segm as compressed RLE for mask detectors) for COCO-format configs or VOC results files (comp4_det_test_<class>.txt) for VOC-format configs into --output, ready for `dupr evaluate coco|voc`; --evaluate also scores them.")]
    public void Infer(
        GlobalOptions global,
        [Option("config", Description = "The recipe JSON the weights were trained with (configs/detection/*.json or the run's config.json).")] string config,
        [Option("weights", Description = "Detector weights: a run's model_final.dat or a checkpoint's model.dat.")] string weights,
        [Option("data", Description = "Data folder: VOC configs read DIR/VOCdevkit (or DIR as a VOCdevkit); COCO configs' sets are relative to it. The test set is datasets.test.")] string data,
        [Option("output", Description = "Folder (created) for the results files (and metrics.json with --evaluate).")] string output,
        [Option("batch-size", Description = "Images per forward pass.")] int batchSize = DetectionInference.DefaultBatchSize,
        [Option("evaluate", Description = "Also score the results against the test set's ground truth: print AP, AP50, AP75 (percent; segm too for mask detectors) and write metrics.json into --output.")] bool evaluate = false,
        [Option("set", Description = "Override a config key, e.g. --set roi_heads.score_thresh_test=0.01 (repeatable).")] string[]? set = null)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        var recipe = ConfigLoader.Load<DetectionConfig>(config, set);
        if (!File.Exists(weights)) throw new DuprException($"--weights {weights}: no such file");
        if (batchSize < 1) throw new DuprException($"--batch-size must be positive, got {batchSize}");
        var device = runtime.Apply();
        using var stop = new StopSignals();
        var result = DetectionInference.Run(recipe, weights, data, output, device, batchSize, evaluate, stop.Token);
        Console.WriteLine($"inference finished: {result.Images} images, {result.ImagesPerSecond:0.0} images/s; results in {result.Results}");
        if (result.Metrics is { } metrics)
        {
            foreach (string line in metrics.SummaryLines()) Console.WriteLine(line);
            Console.WriteLine($"metrics in {Path.Combine(output, Dupr.Detection.Evaluation.DetectionMetrics.FileName)}");
        }
    }
}
