using System.Globalization;
using Dupr.Core.Runtime;

namespace Dupr.Core.Training;

/// <summary>
/// metrics.csv of a run: one row per logged iteration; a row with a column the file lacks adds it (the file is rewritten
/// with an empty cell in the earlier rows), so occasional measurements can join later rows. Reopening
/// for a resumed run drops rows past the resume point, so the file matches an uninterrupted run.
/// </summary>
public sealed class MetricsCsv
{
    readonly string _path;
    List<string>? _columns;

    /// <summary>
    /// Opens (or creates) <paramref name="path"/>, keeping only rows with iteration &lt;= <paramref name="resumeIteration"/>
    /// when it is past 0. A run that starts at 0 starts the file anew: what is there was logged by an attempt that left no
    /// checkpoint (its measurements before the first step would otherwise appear twice).
    /// </summary>
    public MetricsCsv(string path, long resumeIteration = 0)
    {
        _path = path;
        if (!File.Exists(path)) return;
        if (resumeIteration <= 0)
        {
            File.Delete(path);
            return;
        }
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0) return;
        _columns = lines[0].Split(',').ToList();
        var kept = lines.Skip(1).Where(line => long.TryParse(line.Split(',')[0], out long it) && it <= resumeIteration);
        AtomicFile.WriteAllText(path, string.Join('\n', kept.Prepend(lines[0])) + "\n");
    }

    /// <summary>Appends a row: "iteration" first, then the columns in the order they first appeared.</summary>
    public void Append(long iteration, IReadOnlyList<(string Name, double Value)> values)
    {
        bool header = _columns == null;
        _columns ??= ["iteration"];
        var added = values.Select(v => v.Name).Where(n => !_columns.Contains(n)).ToList();
        if (added.Count > 0)
        {
            _columns.AddRange(added);
            if (!header) AddColumns(added.Count);
        }
        var byName = values.ToDictionary(v => v.Name, v => v.Value);
        string Cell(string column) => byName.TryGetValue(column, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
        string row = string.Join(',', _columns.Skip(1).Select(Cell).Prepend(iteration.ToString(CultureInfo.InvariantCulture)));
        File.AppendAllText(_path, (header ? string.Join(',', _columns) + "\n" : "") + row + "\n");
    }

    // Rewrites the file with the new header and the new columns empty in every earlier row.
    void AddColumns(int count)
    {
        string[] lines = File.ReadAllLines(_path);
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l + new string(',', count));
        AtomicFile.WriteAllText(_path, string.Join('\n', rows.Prepend(string.Join(',', _columns!))) + "\n");
    }

    /// <summary>Reads a metrics.csv back as rows of column -> value (empty cells omitted).</summary>
    public static List<Dictionary<string, double>> Read(string path)
    {
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0) return [];
        string[] columns = lines[0].Split(',');
        return lines.Skip(1).Where(l => l.Length > 0).Select(line => line.Split(',')
                .Select((cell, i) => (Column: columns[i], Cell: cell))
                .Where(c => c.Cell.Length > 0)
                .ToDictionary(c => c.Column, c => double.Parse(c.Cell, CultureInfo.InvariantCulture)))
            .ToList();
    }
}
