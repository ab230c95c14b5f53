using Dupr.Benchmarks.Runner;
using Dupr.Benchmarks.Synthetic;
using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Tests.Runner;

/// <summary>
/// Stands in for the trainers: writes the files a stage's <see cref="Stage.OutputsPresent"/> looks for, records what it ran
/// and what an earlier attempt had left, and can stop at a chosen stage after leaving a partial file behind, as a kill would.
/// </summary>
public sealed class FakeStageExecutor : IStageExecutor
{
    /// <summary>A file an interrupted attempt leaves in the stage folder (a trainer's checkpoint).</summary>
    public const string PartialFile = "partial.txt";

    /// <summary>Stage names in the order they ran.</summary>
    public List<string> Ran { get; } = [];

    /// <summary>Stages that found an earlier attempt's partial file when they ran.</summary>
    public List<string> FoundPartial { get; } = [];

    /// <summary>Name of the stage to interrupt (once), or null.</summary>
    public string? InterruptAt { get; set; }

    public JObject Run(Stage stage, CancellationToken cancellation)
    {
        string partial = Path.Combine(stage.Directory, PartialFile);
        if (stage.Name == InterruptAt)
        {
            InterruptAt = null;
            File.WriteAllText(partial, "checkpoint");
            throw new StageInterruptedException($"{stage.Name} interrupted");
        }
        if (File.Exists(partial)) FoundPartial.Add(stage.Name);
        Ran.Add(stage.Name);
        switch (stage)
        {
            case DataStage d:
                Write(Path.Combine(d.Root, SyntheticWorld.ManifestName));
                return new JObject();
            case PretrainStage p:
                Write(p.Backbone);
                // A loss that falls and the online monitor's probe at iterations 0 and 2, as a real pre-training logs them.
                File.WriteAllText(Path.Combine(p.RunDirectory, "metrics.csv"), "iteration,probe_knn_res5,loss\n0,30,\n1,,5.5\n2,40,5.2\n");
                return new JObject();
            case FinetuneStage f:
                Write(f.FinalWeights);
                return new JObject();
            case EvaluateStage e:
                Write(e.MetricsFile);
                var metrics = new JObject();
                foreach (var m in e.Metrics) metrics[m.ToString()] = ValueOf(e.Finetune.Seed, m.ToString());
                return new JObject { ["metrics"] = metrics };
            case ProbeStage probe:
                Directory.CreateDirectory(probe.Directory);
                File.WriteAllText(probe.Csv, "backbone,probe,level,metric,value\nfake,knn,res5,top1,40\n");
                return new JObject { ["metrics"] = new JObject { ["knn.res5"] = ValueOf(probe.Seed, "knn.res5") + (probe.Weights is null ? 0 : 10) } };
            default:
                throw new ArgumentException(stage.GetType().Name);
        }
    }

    /// <summary>The fake metric value of a seed: distinct per seed and metric, so means and spreads are checkable.</summary>
    public static double ValueOf(long seed, string metric) => 10 + seed + metric.Length / 10.0;

    static void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "fake");
    }
}
