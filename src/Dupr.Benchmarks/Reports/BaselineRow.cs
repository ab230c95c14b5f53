using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Reports;

/// <summary>One expected metric of a baseline CSV (eval/baselines/*.csv): the mean over seeds a run must not fall below by more than the tolerance.</summary>
public sealed record BaselineRow(string Finetuning, string Pretraining, string Metric, double Value, double? Tolerance, int Line)
{
    /// <summary>"finetuning / pretraining / metric", for messages.</summary>
    public string Key => $"{Finetuning} / {Pretraining} / {Metric}";

    /// <summary>Reads a baseline: columns finetuning, pretraining, metric, value and an optional tolerance (empty: the default); keys must be unique.</summary>
    public static IReadOnlyList<BaselineRow> Read(string path)
    {
        var table = CsvTable.Read(path, "finetuning", "pretraining", "metric", "value");
        var rows = new List<BaselineRow>();
        var seen = new Dictionary<string, int>();
        foreach (var r in table.Records)
        {
            double? tolerance = r["tolerance"].Length > 0 ? table.Number(r, "tolerance") : null;
            if (tolerance < 0) throw new DuprException($"{path}:{r.Line}: tolerance must be non-negative, got {tolerance}");
            var row = new BaselineRow(r["finetuning"], r["pretraining"], r["metric"], table.Number(r, "value"), tolerance, r.Line);
            if (!seen.TryAdd(row.Key, r.Line)) throw new DuprException($"{path}:{r.Line}: {row.Key} repeats line {seen[row.Key]}");
            rows.Add(row);
        }
        if (rows.Count == 0) throw new DuprException($"{path}: no baseline rows");
        return rows;
    }
}
