using System.Globalization;
using CsvHelper;
using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Performance;

/// <summary>Prints `dupr bench loader` results as a table and writes them as CSV.</summary>
public static class LoaderBenchmarkReport
{
    /// <summary>An aligned plain-text table, one row per measurement, with the loader / consumption ratio.</summary>
    public static string Table(IReadOnlyList<LoaderBenchmarkRow> rows)
    {
        string[] header = ["pipeline", "size", "data", "threads", "rate", "unit/s", "cpu ms/unit", "vs ResNet-18 step"];
        var lines = rows.Select(r => new[]
        {
            r.Pipeline, r.Size, r.Data, r.Threads.ToString(CultureInfo.InvariantCulture), r.PerSecond.ToString("0.0", CultureInfo.InvariantCulture), r.Unit,
            r.CpuMillisecondsPerUnit.ToString("0.0", CultureInfo.InvariantCulture),
            r.Ratio is double ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "",
        }).Prepend(header).ToList();
        int[] widths = Enumerable.Range(0, header.Length).Select(c => lines.Max(l => l[c].Length)).ToArray();
        return string.Join('\n', lines.Select(l => string.Join("  ", l.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd())) + "\n";
    }

    /// <summary>Writes the rows to <paramref name="path"/> as CSV (atomically).</summary>
    public static void WriteCsv(IReadOnlyList<LoaderBenchmarkRow> rows, string path) =>
        AtomicFile.Write(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
            csv.WriteRecord(["pipeline", "size", "data", "threads", "count", "seconds", "cpu_seconds", "unit", "per_second", "cpu_ms_per_unit", "resnet18_images_per_second", "ratio"]);
            foreach (LoaderBenchmarkRow r in rows)
                csv.WriteRecord([r.Pipeline, r.Size, r.Data, Number(r.Threads), Number(r.Count), Number(r.Seconds), Number(r.CpuSeconds), r.Unit, Number(r.PerSecond), Number(r.CpuMillisecondsPerUnit),
                    r.ConsumerPerSecond is double c ? Number(c) : "", r.Ratio is double ratio ? Number(ratio) : ""]);
        });

    static string Number(double value) => Math.Round(value, 3).ToString(CultureInfo.InvariantCulture);
}
