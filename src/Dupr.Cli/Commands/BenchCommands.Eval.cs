using System.Globalization;
using Cocona;
using Dupr.Benchmarks.Performance;
using Dupr.Core.Runtime;
using Dupr.Detection.Evaluation;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Dupr.Detection.Evaluation.Coco;

namespace Dupr.Cli.Commands;

/// <summary>`dupr bench ...`: benchmark commands (this part: COCO evaluation speed).</summary>
public sealed partial class BenchCommands
{
    [Command("eval", Description = "Time COCO evaluation on synthetic workloads: bbox (5,000 images x 100 detections, 80 categories) and segm (500 images x 100 masks). Prints load time, evaluate+accumulate time per repeat, peak memory and the stats.")]
    public void Eval(
        GlobalOptions global,
        [Option("case", Description = "Which workload: bbox, segm or all.")] string @case = "all",
        [Option("repeat", Description = "How many times to evaluate each workload (the load is timed once).")] int repeat = 3,
        [Option("export", Description = "Keep the generated <case>_gt.json / <case>_dt.json and our stats (<case>_ours.json) in this folder, for tools/reference/bench_coco_eval_pycocotools.py.")] string? export = null)
    {
        RuntimeOptions options = global.ToRuntimeOptions();
        if (repeat < 1) throw new DuprException($"--repeat: must be at least 1, got {repeat}");
        EvalBenchmarkCase[] cases = @case switch
        {
            "all" => [EvalBenchmarkCase.Bbox, EvalBenchmarkCase.Segm],
            "bbox" => [EvalBenchmarkCase.Bbox],
            "segm" => [EvalBenchmarkCase.Segm],
            _ => throw new DuprException($"--case: expected bbox, segm or all, got '{@case}'"),
        };
        string folder = export ?? Path.Combine(Path.GetTempPath(), $"dupr-bench-eval-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            Console.WriteLine($"{"case",-5} {"images",7} {"gt",7} {"dets",8} {"load s",7} {"evaluate s (each repeat)",-26} {"peak MB",8}");
            foreach (EvalBenchmarkCase c in cases)
            {
                Log.Info($"[bench eval] generating {c.Name}: {c.Images} images x {c.DetectionsPerImage} detections in {folder}");
                EvalBenchmark.WriteFiles(c, folder);
                EvalBenchmarkResult r = EvalBenchmark.Run(c, folder, repeat, options.Threads);
                string times = string.Join(" ", r.EvaluateSeconds.Select(s => s.ToString("0.000", CultureInfo.InvariantCulture)));
                string peak = $"{r.PeakBytes / 1048576.0:0}{(r.PeakIsolated ? "" : "*")}";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Name,-5} {c.Images,7} {r.GroundTruthCount,7} {r.DetectionCount,8} {r.LoadSeconds,7:0.000} {times,-26} {peak,8}"));
                Console.WriteLine("      stats: " + string.Join(" ", CocoEvalResult.StatNames.Select((n, i) => string.Create(CultureInfo.InvariantCulture, $"{n}={r.Stats[i]:0.0000}"))));
                if (export != null) WriteOurs(c, r, export);
            }
            Console.WriteLine($"threads: {options.Threads?.ToString(CultureInfo.InvariantCulture) ?? $"all ({Environment.ProcessorCount})"}; peak MB is the resident high-water mark of loading + evaluation{(OperatingSystem.IsLinux() ? "" : " (* = includes generation)")}");
        }
        finally
        {
            if (export == null) Directory.Delete(folder, recursive: true);
        }
    }

    static void WriteOurs(EvalBenchmarkCase c, EvalBenchmarkResult r, string folder)
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
