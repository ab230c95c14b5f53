using System.Globalization;
using CsvHelper;
using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Reports;

/// <summary>results.csv of a suite run: one row per evaluated (fine-tuning, pre-training, seed) and metric, values in percent.</summary>
public static class ResultsCsv
{
    /// <summary>The columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["suite", "finetuning", "pretraining", "seed", "metric", "value", "iterations", "stage", "se"];

    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IEnumerable<ResultRow> rows) => AtomicFile.Write(path, stream =>
    {
        using var csv = CsvWriter.Create(stream, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true);
        csv.WriteRecord(Columns.ToArray());
        var inv = CultureInfo.InvariantCulture;
        foreach (var r in rows)
            csv.WriteRecord([r.Suite, r.Finetuning, r.Pretraining, r.Seed.ToString(inv), r.Metric, r.Value.ToString("0.####", inv), r.Iterations.ToString(inv), r.Stage,
                r.StandardError?.ToString("0.####", inv) ?? ""]);
    });

    /// <summary>Reads a results.csv; throws <see cref="DuprException"/> naming the line of a malformed row.</summary>
    public static IReadOnlyList<ResultRow> Read(string path)
    {
        var table = CsvTable.Read(path, "finetuning", "pretraining", "seed", "metric", "value");
        return table.Records.Select(r => new ResultRow(r["suite"], r["finetuning"], r["pretraining"], (long)table.Number(r, "seed"), r["metric"],
            table.Number(r, "value"), r["iterations"].Length > 0 ? (long)table.Number(r, "iterations") : 0, r["stage"],
            r["se"].Length > 0 ? table.Number(r, "se") : null)).ToList(); // "se" came in 2026-12-06; older files have none
    }
}
