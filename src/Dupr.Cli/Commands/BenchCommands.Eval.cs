using Cocona;
using Dupr.Benchmarks.Performance;
using Dupr.Core.Runtime;

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
        var cases = EvalBenchmarkReport.Cases(@case);
        string folder = export ?? Path.Combine(Path.GetTempPath(), $"dupr-bench-eval-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            Console.WriteLine(EvalBenchmarkReport.Header);
            foreach (EvalBenchmarkCase c in cases)
            {
                Log.Info($"[bench eval] generating {c.Name}: {c.Images} images x {c.DetectionsPerImage} detections in {folder}");
                EvalBenchmark.WriteFiles(c, folder);
                EvalBenchmarkResult r = EvalBenchmark.Run(c, folder, repeat, options.Threads);
                Console.Write(EvalBenchmarkReport.Row(c, r));
                if (export != null) EvalBenchmarkReport.WriteOurs(c, r, export);
            }
            Console.WriteLine(EvalBenchmarkReport.Footer(options.Threads));
        }
        finally
        {
            if (export == null) Directory.Delete(folder, recursive: true);
        }
    }
}
