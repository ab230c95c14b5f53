using System.Globalization;
using CsvHelper;
using Dupr.Benchmarks.Reports;
using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Probes;

/// <summary>
/// Writes probe results: a CSV of rows (backbone, probe, level, metric, value), a plot of each accuracy probe over the levels
/// (one line per backbone) and the IoU-similarity curves (one line per backbone and level).
/// </summary>
public static class ProbeReport
{
    /// <summary>File names written into a probe output folder.</summary>
    public const string CsvName = "probes.csv", LevelsPlot = "probe_accuracy.png", IouPlot = "probe_iou_similarity.png";

    /// <summary>The CSV columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["backbone", "probe", "level", "metric", "value", "se"];

    /// <summary>Writes the rows of each backbone (name -> rows) into <paramref name="folder"/>: the CSV and the plots of what was measured.</summary>
    public static void Write(string folder, IReadOnlyList<(string Backbone, IReadOnlyList<ProbeRow> Rows)> results)
    {
        Directory.CreateDirectory(folder);
        foreach (string plot in new[] { LevelsPlot, IouPlot }) File.Delete(Path.Combine(folder, plot)); // a plot without data now must not survive
        AtomicFile.Write(Path.Combine(folder, CsvName), stream =>
        {
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
            csv.WriteRecord(Columns.ToArray());
            foreach (var (backbone, rows) in results)
                foreach (var r in rows)
                    csv.WriteRecord([backbone, r.Probe, r.Level, r.Metric, r.Value.ToString("0.####", CultureInfo.InvariantCulture),
                        r.StandardError?.ToString("0.####", CultureInfo.InvariantCulture) ?? ""]);
        });

        var accuracy = results.SelectMany(b => b.Rows.Where(IsAccuracy).GroupBy(r => r.Probe)
            .Select(g => new PlotSeries($"{b.Backbone} {g.Key}", g.Select(r => (double)LevelNumber(r.Level)).ToList(), g.Select(r => r.Value).ToList(), Markers: true))).ToList();
        if (accuracy.Count > 0)
            LinePlot.Save(Path.Combine(folder, LevelsPlot), "Probes of the backbone by level", "level (res2..res5)", "top-1 / correct matches (%)", accuracy);

        var curves = results.SelectMany(b => b.Rows.Where(r => r.Probe == BackboneProbes.IouSimilarity && r.Metric.StartsWith("iou_", StringComparison.Ordinal))
            .GroupBy(r => r.Level)
            .Select(g => new PlotSeries($"{b.Backbone} {g.Key}", g.Select(r => BinCentre(r.Metric)).ToList(), g.Select(r => r.Value).ToList(), Markers: true))).ToList();
        if (curves.Count > 0)
            LinePlot.Save(Path.Combine(folder, IouPlot), "IoU-similarity (paper Fig. 6)", "IoU of the RoI with its ground-truth box", "eq. 9 similarity", curves);
    }

    /// <summary>The rows of a probes.csv (every backbone's).</summary>
    public static IReadOnlyList<ProbeRow> Read(string path)
    {
        var table = CsvTable.Read(path, "probe", "level", "metric", "value");
        // "se" came in 2026-12-06; older files have none.
        return table.Records.Select(r => new ProbeRow(r["probe"], r["level"], r["metric"], table.Number(r, "value"),
            r["se"].Length > 0 ? table.Number(r, "se") : null)).ToList();
    }

    /// <summary>Lines of a plain-text table: one row per backbone, one column per (probe, level) accuracy.</summary>
    public static IEnumerable<string> Table(IReadOnlyList<(string Backbone, IReadOnlyList<ProbeRow> Rows)> results)
    {
        var columns = results.SelectMany(b => b.Rows.Where(r => IsAccuracy(r) || r.Metric == "slope")).Select(r => (r.Probe, r.Level, r.Metric)).Distinct().ToList();
        if (columns.Count == 0) yield break;
        int width = Math.Max(10, results.Max(b => b.Backbone.Length));
        yield return "backbone".PadRight(width) + string.Concat(columns.Select(c => $"  {Short(c.Probe, c.Metric)} {c.Level}".PadLeft(16)));
        foreach (var (backbone, rows) in results)
            yield return backbone.PadRight(width) + string.Concat(columns.Select(c =>
                rows.FirstOrDefault(r => (r.Probe, r.Level, r.Metric) == c) is { } row ? row.Value.ToString(c.Metric == "slope" ? "0.000" : "0.0", CultureInfo.InvariantCulture).PadLeft(16) : "-".PadLeft(16)));
    }

    static string Short(string probe, string metric) => probe switch
    {
        BackboneProbes.Knn => "kNN",
        BackboneProbes.Linear => "linear",
        BackboneProbes.Correspondence => "corr",
        _ => metric == "slope" ? "iou-slope" : probe,
    };

    static bool IsAccuracy(ProbeRow r) => r.Metric is "top1" or "accuracy";

    static int LevelNumber(string level) => level.StartsWith("res", StringComparison.Ordinal) && int.TryParse(level[3..], out int n) ? n : 0;

    static double BinCentre(string metric) => double.Parse(metric["iou_".Length..], CultureInfo.InvariantCulture);
}
