using Cocona;
using Dupr.Core.Config;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Training;

namespace Dupr.Cli.Commands;

/// <summary>`dupr finetune`: fine-tunes a detector on VOC- or COCO-format data from a pre-trained (or random) backbone.</summary>
public sealed class FinetuneCommand
{
    [Command("finetune", Description = "Fine-tune the config's detector on VOC or COCO data (datasets.format); writes checkpoints, metrics.csv, TensorBoard events, model_final.dat and the test-set evaluations (eval.csv, eval/iter_*/metrics.json every train.eval_period iterations, metrics.json and inference/ at the end) into --output.")]
    public void Finetune(
        GlobalOptions global,
        [Option("config", Description = "Recipe JSON (configs/detection/*.json); '_base_' inheritance allowed.")] string config,
        [Option("data", Description = "Data folder (e.g. data/shapes from `dupr data synth`): VOC configs read DIR/VOCdevkit (or DIR as a VOCdevkit); COCO configs' \"annotation file:image folder\" sets are relative to it.")] string data,
        [Option("output", Description = "Run directory (created): config.json, metrics.csv, tb/, checkpoints/, model_final.dat, eval.csv, eval/, metrics.json, inference/.")] string output,
        [Option("weights", Description = "Backbone initialisation: our backbone.pth export, a torchvision, MoCo or detectron2 ResNet checkpoint; omit for random init.")] string? weights = null,
        [Option("resume", Description = "Continue from the run directory's last checkpoint.")] bool resume = false,
        [Option("set", Description = "Override a config key, e.g. --set solver.max_iter=200 (repeatable).")] string[]? set = null)
    {
        RuntimeOptions runtime = global.ToRuntimeOptions();
        var recipe = ConfigLoader.Load<DetectionConfig>(config, set);
        if (weights != null && !File.Exists(weights)) throw new DuprException($"--weights {weights}: no such file");
        var device = runtime.Apply();
        var options = new DetectionRunOptions { Data = data, Output = output, Weights = weights, Resume = resume, Seed = runtime.Seed };
        using var stop = new StopSignals();
        var result = new DetectionTrainer(recipe, options, device).Run(stop.Token);
        if (result.Interrupted)
            throw new DuprException($"interrupted at iteration {result.Iterations}/{result.MaxIter}; continue with --resume");
        Console.WriteLine($"fine-tuning finished: {result.Iterations} iterations, {result.IterationsPerSecond:0.00} iterations/s");
        Console.WriteLine($"  {string.Join(", ", result.LastTerms.Select(t => $"{t.Name} {t.Value:0.0000}"))}");
        Console.WriteLine($"  weights: {Path.Combine(result.RunDirectory, DetectionTrainer.FinalWeights)}");
        if (result.FinalMetrics is { } metrics)
        {
            foreach (string line in metrics.SummaryLines()) Console.WriteLine($"  {line}");
            Console.WriteLine($"  metrics: {Path.Combine(result.RunDirectory, DetectionMetrics.FileName)}; AP per evaluation: {Path.Combine(result.RunDirectory, TrainingEvaluation.CsvName)}");
        }
    }
}
