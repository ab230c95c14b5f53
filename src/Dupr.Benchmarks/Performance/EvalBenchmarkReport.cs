using System.Globalization;
using Dupr.Core.Runtime;
using Dupr.Detection.Evaluation.Coco;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Performance;

/// <summary>What `dupr bench eval` prints and exports: the workloads it knows, a row per workload, and our stats for the pycocotools comparison.</summary>
public static class EvalBenchmarkReport
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The workloads a --case value names: bbox, segm or all.</summary>
    public static IReadOnlyList<EvalBenchmarkCase> Cases(string name) => name switch
    {
        "all" => [EvalBenchmarkCase.Bbox, EvalBenchmarkCase.Segm],
        "bbox" => [EvalBenchmarkCase.Bbox],
        "segm" => [EvalBenchmarkCase.Segm],
        _ => throw new DuprException($"--case: expected bbox, segm or all, got '{name}'"),
    };

    /// <summary>The table's header line.</summary>
    public static string Header => $"{"case",-5} {"images",7} {"gt",7} {"dets",8} {"load s",7} {"evaluate s (each repeat)",-26} {"peak MB",8}";

    /// <summary>A workload's row and its stats line.</summary>
    public static string Row(EvalBenchmarkCase c, EvalBenchmarkResult r)
    {
        string times = string.Join(" ", r.EvaluateSeconds.Select(s => s.ToString("0.000", Inv)));
        string peak = string.Create(Inv, $"{r.PeakBytes / 1048576.0:0}{(r.PeakIsolated ? "" : "*")}");
        return string.Create(Inv, $"{c.Name,-5} {c.Images,7} {r.GroundTruthCount,7} {r.DetectionCount,8} {r.LoadSeconds,7:0.000} {times,-26} {peak,8}\n")
               + "      stats: " + string.Join(" ", CocoEvalResult.StatNames.Select((n, i) => string.Create(Inv, $"{n}={r.Stats[i]:0.0000}"))) + "\n";
    }

    /// <summary>The closing line: threads and what the peak counts.</summary>
    public static string Footer(int? threads) =>
        $"threads: {threads?.ToString(Inv) ?? $"all ({Environment.ProcessorCount})"}; peak MB is the resident high-water mark of loading + evaluation{(OperatingSystem.IsLinux() ? "" : " (* = includes generation)")}";

    /// <summary>Writes our timings and stats as &lt;case&gt;_ours.json into <paramref name="folder"/>, beside the exported workload.</summary>
    public static void WriteOurs(EvalBenchmarkCase c, EvalBenchmarkResult r, string folder)
    {
        var document = new JObject
        {
            ["case"] = c.Name,
            ["load_seconds"] = r.LoadSeconds,
            ["evaluate_seconds"] = new JArray(r.EvaluateSeconds),
            ["peak_bytes"] = r.PeakBytes,
            ["names"] = new JArray(CocoEvalResult.StatNames),
            ["stats"] = new JArray(r.Stats),
        };
        AtomicFile.WriteAllText(Path.Combine(folder, $"{c.Name}_ours.json"), document.ToString(Formatting.Indented));
    }
}
