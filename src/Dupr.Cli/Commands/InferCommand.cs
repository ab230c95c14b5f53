using Cocona;
using Dupr.Core.Config;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Detection.Training;

namespace Dupr.Cli.Commands;

/// <summary>`dupr infer`: runs a fine-tuned detector on the test image sets and writes results files for `dupr evaluate`.</summary>
public sealed class InferCommand
{
    [Command("infer", Description = "Detect objects on the config's test image sets with fine-tuned weights; writes VOC results files comp4_det_test_<class>.txt into --output for `dupr evaluate voc`.")]
    public void Infer(
        GlobalOptions global,
        [Option("config", Description = "The recipe JSON the weights were trained with (configs/detection/*.json or the run's config.json).")] string config,
        [Option("weights", Description = "Detector weights: a run's model_final.dat or a checkpoint's model.dat.")] string weights,
        [Option("data", Description = "Folder holding VOCdevkit/ (e.g. data/shapes) or a VOCdevkit folder; the test sets come from datasets.test.")] string data,
        [Option("output", Description = "Folder (created) for comp4_det_test_<class>.txt.")] string output,
        [Option("batch-size", Description = "Images per forward pass.")] int batchSize = 4,
        [Option("set", Description = "Override a config key, e.g. --set roi_heads.score_thresh_test=0.01 (repeatable).")] string[]? set = null)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        var recipe = ConfigLoader.Load<DetectionConfig>(config, set);
        if (!File.Exists(weights)) throw new DuprException($"--weights {weights}: no such file");
        if (batchSize < 1) throw new DuprException($"--batch-size must be positive, got {batchSize}");
        var device = runtime.Apply();
        using var stop = new StopSignals();
        var (images, rate) = DetectionInference.Run(recipe, weights, data, output, device, batchSize, stop.Token);
        Console.WriteLine($"inference finished: {images} images, {rate:0.0} images/s; results in {output}");
    }
}
