using Dupr.Benchmarks.Probes;
using Dupr.Benchmarks.Synthetic;
using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Detection.Config;
using Dupr.Detection.Training;
using Dupr.Pretrain.Training;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Runner;

/// <summary>Runs stages in process through the library APIs: the synthetic world, <see cref="PretrainTrainer"/>, <see cref="DetectionTrainer"/>, <see cref="DetectionInference"/> and the evaluators.</summary>
public sealed class LibraryStageExecutor(Device device, int inferenceBatchSize = 4, int? threads = null) : IStageExecutor
{
    /// <inheritdoc />
    public JObject Run(Stage stage, CancellationToken cancellation)
    {
        try
        {
            return stage switch
            {
                DataStage data => Data(data),
                PretrainStage pretrain => Pretrain(pretrain, cancellation),
                FinetuneStage finetune => Finetune(finetune, cancellation),
                EvaluateStage evaluate => Evaluate(evaluate, cancellation),
                ProbeStage probe => Probe(probe),
                _ => throw new ArgumentException($"unknown stage type {stage.GetType().Name}", nameof(stage)),
            };
        }
        catch (OperationCanceledException)
        {
            // The loaders throw this when the stop request lands while they prepare a batch.
            throw new StageInterruptedException($"{stage.Name} interrupted; run the same command again to continue it");
        }
    }

    static JObject Data(DataStage stage)
    {
        var world = SyntheticWorld.Generate(stage.Options, stage.Root);
        return new JObject { ["root"] = world.Root, ["images"] = world.Images, ["objects"] = world.Objects, ["checksum"] = world.Checksum };
    }

    // A run directory with a config.json was started by an earlier attempt: the trainer resumes from its last checkpoint
    // (or starts over when the attempt died before the first one), after checking the saved config is this one.
    static bool Started(string runDirectory) => File.Exists(Path.Combine(runDirectory, RunDirectory.ConfigFileName));

    JObject Pretrain(PretrainStage stage, CancellationToken cancellation)
    {
        using var monitor = stage.ProbeSet is { } set ? new KnnMonitor(set.Config, set.Data, new ProbeOptions()) : null;
        var options = new PretrainRunOptions
        {
            Data = stage.Images, Output = stage.RunDirectory, Resume = Started(stage.RunDirectory), Seed = stage.Seed, Monitor = monitor,
        };
        var result = new PretrainTrainer(stage.Config, options, device).Run(cancellation);
        if (result.Interrupted) throw Interrupted(stage, result.Iterations, result.MaxIter);
        return new JObject
        {
            ["iterations"] = result.Iterations, ["images_per_s"] = Math.Round(result.ImagesPerSecond, 2),
            ["last"] = Terms(result.LastTerms), ["backbone"] = stage.Backbone,
        };
    }

    JObject Finetune(FinetuneStage stage, CancellationToken cancellation)
    {
        if (stage.Weights is string weights && !File.Exists(weights)) throw new DuprException($"{stage.Name}: weights file {weights} not found");
        var options = new DetectionRunOptions
        {
            Data = stage.Data, Output = stage.RunDirectory, Weights = stage.Weights, Resume = Started(stage.RunDirectory), Seed = stage.Seed,
        };
        var result = new DetectionTrainer(stage.Config, options, device).Run(cancellation);
        if (result.Interrupted) throw Interrupted(stage, result.Iterations, result.MaxIter);
        return new JObject
        {
            ["iterations"] = result.Iterations, ["iterations_per_s"] = Math.Round(result.IterationsPerSecond, 3),
            ["last"] = Terms(result.LastTerms), ["weights"] = stage.FinalWeights,
        };
    }

    JObject Evaluate(EvaluateStage stage, CancellationToken cancellation)
    {
        var finetune = stage.Finetune;
        if (finetune.Config.Datasets.Format != DatasetFormat.Voc)
            throw new DuprException($"{stage.Name}: the runner infers on VOC-format test sets only (DetectionInference writes VOC results files)");
        // An interrupted attempt may have left some results files: start the folder afresh.
        if (Directory.Exists(stage.Results)) Directory.Delete(stage.Results, recursive: true);
        var inference = DetectionInference.Run(finetune.Config, finetune.FinalWeights, finetune.Data, stage.Results, device, inferenceBatchSize, cancellation: cancellation);
        if (cancellation.IsCancellationRequested) throw new StageInterruptedException($"{stage.Name} interrupted; run the same command again to redo it");
        var metrics = StageMetrics.Compute(finetune.Config, finetune.Data, stage.Results, stage.Metrics, stage.CocoGt, threads);
        var values = new JObject();
        foreach (var (name, value) in metrics) values[name] = Math.Round(value, 4);
        AtomicFile.WriteAllText(stage.MetricsFile, values.ToString(Formatting.Indented) + "\n");
        Log.Info($"{stage.Name}: {string.Join(", ", metrics.Select(m => $"{m.Key} {m.Value:0.00}"))}");
        return new JObject { ["metrics"] = values, ["images"] = inference.Images, ["images_per_s"] = Math.Round(inference.ImagesPerSecond, 2) };
    }

    JObject Probe(ProbeStage stage)
    {
        if (stage.Weights is string weights && !File.Exists(weights)) throw new DuprException($"{stage.Name}: weights file {weights} not found");
        using var model = new ProbedBackbone(stage.Config.Backbone.Depth, stage.Config.Backbone.Width, stage.Weights, stage.Seed, device);
        var rows = BackboneProbes.Run(model, stage.Config, stage.Data, stage.Probes, stage.Options);
        ProbeReport.Write(stage.Directory, [(model.Description, rows)]);
        JObject metrics = new(), standardErrors = new();
        foreach (var row in rows)
            if (ProbeStage.MetricName(row) is string name && double.IsFinite(row.Value))
            {
                metrics[name] = Math.Round(row.Value, 4);
                if (row.StandardError is double se && double.IsFinite(se)) standardErrors[name] = Math.Round(se, 4);
            }
        Log.Info($"{stage.Name}: {string.Join(", ", metrics.Properties().Select(m => $"{m.Name} {(double)m.Value:0.0##}"))}");
        return new JObject { ["metrics"] = metrics, [ProbeStage.StandardErrorsKey] = standardErrors };
    }

    static JObject Terms(IReadOnlyList<(string Name, double Value)> terms)
    {
        var json = new JObject();
        foreach (var (name, value) in terms) json[name] = Math.Round(value, 5);
        return json;
    }

    static StageInterruptedException Interrupted(Stage stage, long iteration, long maxIter) =>
        new($"{stage.Name} interrupted at iteration {iteration}/{maxIter} (checkpoint kept); run the same command again to resume it");
}
