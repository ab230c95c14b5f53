using System.Diagnostics;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Evaluation.Coco;

namespace Dupr.Benchmarks.Performance;

/// <summary>One evaluation workload: name, size, and what is compared.</summary>
public sealed record EvalBenchmarkCase(string Name, int Images, int DetectionsPerImage, CocoIouType IouType)
{
    /// <summary>The bbox case: 5,000 images x 100 detections, 80 categories, about 7 objects per image (COCO val2017's scale).</summary>
    public static EvalBenchmarkCase Bbox { get; } = new("bbox", 5000, 100, CocoIouType.Bbox);

    /// <summary>The segm case: 500 images x 100 mask detections.</summary>
    public static EvalBenchmarkCase Segm { get; } = new("segm", 500, 100, CocoIouType.Segm);
}

/// <summary>Timings of one workload: JSON loading, and evaluate+accumulate+summarize per repeat, with peak memory.</summary>
public sealed record EvalBenchmarkResult(
    EvalBenchmarkCase Case,
    int GroundTruthCount,
    int DetectionCount,
    double LoadSeconds,
    IReadOnlyList<double> EvaluateSeconds,
    long PeakBytes,
    bool PeakIsolated,
    IReadOnlyList<double> Stats);

/// <summary>
/// Times COCO evaluation on <see cref="SyntheticCocoEval"/> workloads the way pycocotools is usually timed: the
/// files are written first; loading them (parsing) is timed apart from evaluate+accumulate(+summarize).
/// </summary>
public static class EvalBenchmark
{
    /// <summary>Ground-truth file name inside the work folder.</summary>
    public static string GroundTruthFile(EvalBenchmarkCase c) => $"{c.Name}_gt.json";

    /// <summary>Results file name inside the work folder.</summary>
    public static string ResultsFile(EvalBenchmarkCase c) => $"{c.Name}_dt.json";

    /// <summary>Generates the workload's JSON files into <paramref name="folder"/>.</summary>
    public static void WriteFiles(EvalBenchmarkCase c, string folder)
    {
        (CocoDataset gt, CocoResults dt) = SyntheticCocoEval.Generate(c.Images, c.DetectionsPerImage, c.IouType == CocoIouType.Segm);
        CocoWriter.Write(gt, Path.Combine(folder, GroundTruthFile(c)));
        CocoResultsWriter.Write(dt, Path.Combine(folder, ResultsFile(c)));
    }

    /// <summary>Loads the files from <paramref name="folder"/> and evaluates them <paramref name="repeats"/> times.</summary>
    public static EvalBenchmarkResult Run(EvalBenchmarkCase c, string folder, int repeats, int? threads)
    {
        // Measure the loading and evaluation alone, not the generation before it.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        bool isolated = PeakMemory.Reset();
        var clock = Stopwatch.StartNew();
        CocoDataset gt = CocoReader.Read(Path.Combine(folder, GroundTruthFile(c)));
        CocoResults dt = CocoResultsReader.Read(Path.Combine(folder, ResultsFile(c)));
        double load = clock.Elapsed.TotalSeconds;
        var times = new List<double>();
        CocoEvalResult? result = null;
        for (int r = 0; r < repeats; r++)
        {
            clock.Restart();
            result = CocoEvaluator.Evaluate(gt, dt, c.IouType, threads);
            times.Add(clock.Elapsed.TotalSeconds);
        }
        return new EvalBenchmarkResult(c, gt.Annotations.Count, dt.Count, load, times, PeakMemory.Bytes(), isolated, result!.Stats);
    }
}
