using System.Globalization;
using Dupr.Core.Config;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;

namespace Dupr.Benchmarks.Performance;

/// <summary>What `dupr bench detect` prints and writes: the training and inference rows with each op's share, and the CSV.</summary>
public static class DetectionBenchmarkReport
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The header line, one row per phase and the note on what the shares are.</summary>
    public static string Table(DetectionConfig recipe, string device, int threads, IReadOnlyList<DetectionBenchmarkRow> rows)
    {
        var lines = new List<string>
        {
            $"{recipe.Architecture}, ResNet-{recipe.Backbone.Depth} (width {recipe.Backbone.Width}), train batch {recipe.Train.BatchSize}, " +
            $"short edge {string.Join("/", recipe.Input.MinSizeTrain)} (test {recipe.Input.MinSizeTest}), {device}, {threads} threads, {ConfigSchema.ValueName(recipe.Train.Precision)}",
            $"{"phase",-10} {"rate",16} {"median s/unit",14} " + string.Concat(DetectionBenchmark.Ops.Select(op => $"{op,16}")) + $" {"peak MB",8}",
        };
        lines.AddRange(rows.Select(r => string.Create(Inv, $"{r.Phase,-10} {$"{r.Rate:0.00} {r.Unit}",16} {r.MedianSeconds,14:0.000} ") +
                                        string.Concat(DetectionBenchmark.Ops.Select(op => string.Create(Inv, $"{r.OpShares[op],16:P1}"))) +
                                        string.Create(Inv, $" {r.PeakBytes / 1048576.0,8:0}")));
        lines.Add("shares: time inside each op over the phase's time (RoIAlign includes its backward; anchor matching: IoU, matching, sampling and targets of the RPN's anchors)");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Writes the rows as CSV to <paramref name="path"/> (atomically).</summary>
    public static void WriteCsv(IReadOnlyList<DetectionBenchmarkRow> rows, string path) =>
        AtomicFile.WriteAllText(path, "phase,rate,unit,median_seconds," + string.Join(',', DetectionBenchmark.Ops.Select(op => op + "_share")) + ",peak_bytes\n" +
            string.Concat(rows.Select(r => string.Create(Inv, $"{r.Phase},{r.Rate},{r.Unit},{r.MedianSeconds},") +
                string.Join(',', DetectionBenchmark.Ops.Select(op => r.OpShares[op].ToString("R", Inv))) + string.Create(Inv, $",{r.PeakBytes}\n"))));
}
