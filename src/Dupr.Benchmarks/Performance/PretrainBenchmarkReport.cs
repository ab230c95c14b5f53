using System.Globalization;
using Dupr.Core.Config;
using Dupr.Core.Runtime;
using Dupr.Pretrain.Config;

namespace Dupr.Benchmarks.Performance;

/// <summary>What `dupr bench pretrain` prints and writes: the MoCo v2 and DUPR rows, the verdicts against the targets, the CSV.</summary>
public static class PretrainBenchmarkReport
{
    /// <summary>DUPR's step time over MoCo v2's that the pre-training path aims to stay under.</summary>
    public const double StepRatioTarget = 1.15;

    /// <summary>Share of a DUPR step outside the backbone passes that the path aims to stay under.</summary>
    public const double OutsideBackboneTarget = 0.20;

    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The header line, one row per method (MoCo v2 first, then DUPR) and the verdict line.</summary>
    public static string Table(PretrainConfig dupr, string device, int threads, IReadOnlyList<PretrainBenchmarkRow> rows)
    {
        var lines = new List<string>
        {
            $"ResNet-{dupr.Model.Depth}, {dupr.Views.Size} px, batch {dupr.Train.BatchSize}, {device}, {threads} threads, {ConfigSchema.ValueName(dupr.Train.Precision)}",
            $"{"method",-8} {"step s",8} {"backbone s",11} {"losses s",9} {"images/s",9} {"outside",8} {"peak MB",8}",
        };
        lines.AddRange(rows.Select(r => string.Create(Inv,
            $"{r.Method,-8} {r.StepSeconds,8:0.000} {r.BackboneSeconds,11:0.000} {r.LossSeconds,9:0.000} {r.ImagesPerSecond,9:0.0} {r.OutsideBackboneShare,8:P0} {r.PeakBytes / 1048576.0,8:0}")));
        lines.Add(string.Create(Inv, $"DUPR / MoCo v2 step time: {rows[1].StepSeconds / rows[0].StepSeconds:0.00}x (target <= {StepRatioTarget:0.00}x); " +
                                     $"DUPR outside the backbone passes: {rows[1].OutsideBackboneShare:P0} (target < {OutsideBackboneTarget * 100:0}%)"));
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Writes the rows as CSV to <paramref name="path"/> (atomically).</summary>
    public static void WriteCsv(IReadOnlyList<PretrainBenchmarkRow> rows, string path) =>
        AtomicFile.WriteAllText(path, "method,step_s,backbone_s,losses_s,images_per_s,outside_share,peak_bytes\n" + string.Concat(rows.Select(r =>
            string.Create(Inv, $"{r.Method},{r.StepSeconds},{r.BackboneSeconds},{r.LossSeconds},{r.ImagesPerSecond},{r.OutsideBackboneShare},{r.PeakBytes}\n"))));
}
