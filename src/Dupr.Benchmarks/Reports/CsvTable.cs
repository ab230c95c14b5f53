using System.Globalization;
using CsvHelper;
using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Reports;

/// <summary>A CSV file read by column name, each record with its line number, for files people edit (baselines) and the runner writes (results).</summary>
public sealed class CsvTable
{
    /// <summary>One record: its line in the file and its cells by column name.</summary>
    public sealed record Record(int Line, IReadOnlyDictionary<string, string> Cells)
    {
        /// <summary>The cell of <paramref name="column"/>, "" when the file has no such column.</summary>
        public string this[string column] => Cells.TryGetValue(column, out string? v) ? v : "";
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The header's column names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The records in file order.</summary>
    public IReadOnlyList<Record> Records { get; }

    CsvTable(string path, IReadOnlyList<string> columns, IReadOnlyList<Record> records)
    {
        Path = path;
        Columns = columns;
        Records = records;
    }

    /// <summary>Reads <paramref name="path"/>; throws <see cref="DuprException"/> when it is missing, malformed or lacks one of <paramref name="required"/>.</summary>
    public static CsvTable Read(string path, params string[] required)
    {
        if (!File.Exists(path)) throw new DuprException($"{path}: no such file");
        var options = new CsvReaderOptions
        {
            Separator = ',', HasHeader = true, SkipEmptyLines = true, TrackLineNumbers = true, TrimWhitespace = true,
            MalformedData = CsvMalformedDataHandling.Throw, FormatProvider = CultureInfo.InvariantCulture,
        };
        var records = new List<Record>();
        int line = 1;
        try
        {
            using var csv = CsvReader.FromFile(path, options);
            string[] header = csv.Headers.ToArray();
            var missing = required.Where(c => !header.Contains(c)).ToList();
            if (missing.Count > 0)
                throw new DuprException($"{path}:1: missing column(s) {string.Join(", ", missing)} (header: {string.Join(",", header)})");
            while (csv.Read())
            {
                line = checked((int)csv.LineNumber);
                if (csv.FieldCount != header.Length) throw new DuprException($"{path}:{line}: {csv.FieldCount} fields, the header has {header.Length}");
                var cells = new Dictionary<string, string>();
                for (int i = 0; i < header.Length; i++) cells[header[i]] = csv.GetString(i) ?? "";
                records.Add(new Record(line, cells));
            }
            return new CsvTable(path, header, records);
        }
        catch (CsvFormatException e)
        {
            throw new DuprException($"{path}:{line + 1}: malformed CSV: {e.Message.Split('\n')[0].Trim()}", e);
        }
        catch (IOException e)
        {
            throw new DuprException($"{path}: cannot read: {e.Message}", e);
        }
    }

    /// <summary>Parses a number cell; throws <see cref="DuprException"/> naming the file, line and column.</summary>
    public double Number(Record record, string column) =>
        double.TryParse(record[column], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v : throw new DuprException($"{Path}:{record.Line}: {column} '{record[column]}' is not a number");
}
