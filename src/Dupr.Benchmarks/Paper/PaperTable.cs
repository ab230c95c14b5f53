using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CsvHelper;
using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Paper;

/// <summary>The paper's tables, loaded from eval/paper/*.csv, with lookup by table, setting, method and metric.</summary>
public sealed class PaperTable
{
    /// <summary>The columns every paper CSV has, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "table", "part", "setting", "method", "label", "epochs", "param", "param_value",
        "metric", "value", "reported_delta", "reference", "kind", "note",
    ];

    static readonly Dictionary<string, int> ColumnIndex = Columns.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);

    /// <summary>Tolerance, in points, for a bracketed delta to count as value minus its reference's value.</summary>
    public const double DeltaTolerance = 0.05;

    PaperTable(IReadOnlyList<PaperRow> rows) => Rows = rows;

    /// <summary>Every row of every file, in file-name then line order.</summary>
    public IReadOnlyList<PaperRow> Rows { get; }

    /// <summary>The distinct table names (table1 ... table7, fig2).</summary>
    public IReadOnlyList<string> Tables => Rows.Select(r => r.Table).Distinct().ToList();

    /// <summary>eval/paper under a repository root.</summary>
    public static string DirectoryIn(string repoRoot) => Path.Combine(repoRoot, "eval", "paper");

    /// <summary>Loads every *.csv of <paramref name="directory"/>; throws <see cref="DuprException"/> naming the file and line of a malformed row.</summary>
    public static PaperTable Load(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DuprException($"paper tables: folder {directory} does not exist");
        var files = Directory.GetFiles(directory, "*.csv").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new DuprException($"paper tables: no *.csv in {directory}");
        var rows = files.SelectMany(ReadFile).ToList();
        CheckUnique(rows);
        return new PaperTable(rows);
    }

    /// <summary>Reads and validates one paper CSV; throws <see cref="DuprException"/> naming the file and line of a malformed row.</summary>
    public static IReadOnlyList<PaperRow> ReadFile(string path)
    {
        string name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new DuprException($"{path}: paper table not found");
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrimWhitespace = false,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        var rows = new List<PaperRow>();
        int line = 1;
        try
        {
            using var csv = CsvReader.FromFile(path, options);
            var header = csv.Headers.ToArray();
            if (header.Length == 0)
                throw new DuprException($"{name}:1: empty file, expected the header {string.Join(",", Columns)}");
            if (!header.SequenceEqual(Columns))
                throw new DuprException($"{name}:1: header is '{string.Join(",", header)}', expected '{string.Join(",", Columns)}'");
            while (csv.Read())
            {
                line = checked((int)csv.LineNumber);
                if (csv.FieldCount != Columns.Count)
                    throw Bad(name, line, $"{csv.FieldCount} fields, expected {Columns.Count}");
                var fields = new string[Columns.Count];
                for (int i = 0; i < fields.Length; i++) fields[i] = csv.GetString(i) ?? "";
                rows.Add(ParseRow(fields, path, name, line));
            }
        }
        catch (CsvFormatException e)
        {
            long at = e.LineNumber > 0 ? e.LineNumber : line + 1;
            throw new DuprException($"{name}:{at}: malformed CSV: {e.Message.Split('\n')[0].Trim()}", e);
        }
        catch (IOException e)
        {
            throw new DuprException($"{path}: cannot read: {e.Message}", e);
        }
        if (rows.Count == 0) throw new DuprException($"{name}: no rows under the header");
        CheckReferences(rows);
        return rows;
    }

    static PaperRow ParseRow(string[] f, string path, string name, int line)
    {
        string Field(string column)
        {
            string v = f[ColumnIndex[column]];
            if (v != v.Trim()) throw Bad(name, line, $"{column} '{v}' has leading or trailing spaces");
            return v;
        }
        string Required(string column)
        {
            string v = Field(column);
            return v.Length > 0 ? v : throw Bad(name, line, $"{column} is empty");
        }

        string table = Required("table");
        if (!name.StartsWith(table + "_", StringComparison.Ordinal))
            throw Bad(name, line, $"table '{table}' does not match the file name (expected it to start with '{table}_')");

        string epochsText = Field("epochs");
        int? epochs = null;
        if (epochsText.Length > 0)
            epochs = int.TryParse(epochsText, NumberStyles.None, CultureInfo.InvariantCulture, out int e) && e > 0
                ? e : throw Bad(name, line, $"epochs '{epochsText}' is not a positive integer");

        string valueText = Required("value");
        double value = ParseNumber(valueText) ?? throw Bad(name, line, $"value '{valueText}' is not a number");

        string deltaText = Field("reported_delta");
        double? delta = null;
        if (deltaText.Length > 0)
            delta = deltaText[0] is '+' or '-' && ParseNumber(deltaText) is double d
                ? d : throw Bad(name, line, $"reported_delta '{deltaText}' is not a signed number like +1.2 or -0.4");

        string kindText = Required("kind");
        var kind = kindText switch
        {
            "value" => PaperValueKind.Value,
            "gap" => PaperValueKind.Gap,
            _ => throw Bad(name, line, $"kind '{kindText}' is not one of: value, gap"),
        };

        string param = Field("param"), paramValue = Field("param_value");
        if ((param.Length == 0) != (paramValue.Length == 0))
            throw Bad(name, line, "param and param_value must be both set or both empty");

        string reference = Field("reference");
        if (delta is not null && reference.Length == 0)
            throw Bad(name, line, "reported_delta is set but reference is empty");
        if (kind == PaperValueKind.Gap && (reference.Length == 0 || delta is not null))
            throw Bad(name, line, "a gap row needs a reference (the method the gap is against) and no reported_delta");

        return new PaperRow
        {
            Table = table,
            Part = Field("part"),
            Setting = Required("setting"),
            Method = Required("method"),
            Label = Required("label"),
            Epochs = epochs,
            Param = param,
            ParamValue = paramValue,
            Metric = Required("metric"),
            Value = value,
            ReportedDelta = delta,
            Reference = reference,
            Kind = kind,
            Note = Field("note"),
            File = path,
            Line = line,
        };
    }

    static double? ParseNumber(string text) =>
        double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double v)
        && double.IsFinite(v) ? v : null;

    static DuprException Bad(string file, int line, string what) => new($"{file}:{line}: {what}");

    // A bracketed delta must name a row of the same table, part, setting and metric by its label.
    static void CheckReferences(List<PaperRow> rows)
    {
        foreach (var row in rows.Where(r => r.Kind == PaperValueKind.Value && r.ReportedDelta is not null))
        {
            int n = rows.Count(r => IsReferenceOf(r, row));
            if (n != 1)
                throw new DuprException($"{row.Location}: reference '{row.Reference}' matches {n} rows with the same table, part, setting and metric (expected exactly 1)");
        }
    }

    static bool IsReferenceOf(PaperRow candidate, PaperRow row) =>
        candidate.Kind == PaperValueKind.Value && candidate.Table == row.Table && candidate.Part == row.Part
        && candidate.Setting == row.Setting && candidate.Metric == row.Metric && candidate.Label == row.Reference;

    static void CheckUnique(List<PaperRow> rows)
    {
        var seen = new Dictionary<(string, string, string, string, int?, string, string, string, PaperValueKind), PaperRow>();
        foreach (var r in rows)
        {
            var key = (r.Table, r.Part, r.Setting, r.Method, r.Epochs, r.Param, r.ParamValue, r.Metric, r.Kind);
            if (!seen.TryAdd(key, r))
                throw new DuprException($"{r.Location}: duplicate of {seen[key].Location} ({r})");
        }
    }

    /// <summary>Rows matching every given filter; a null filter matches anything.</summary>
    public IReadOnlyList<PaperRow> Find(string? table = null, string? setting = null, string? method = null, string? metric = null,
        string? part = null, int? epochs = null, string? paramValue = null, PaperValueKind? kind = null) =>
        Rows.Where(r => (table is null || r.Table == table) && (setting is null || r.Setting == setting)
                     && (method is null || r.Method == method) && (metric is null || r.Metric == metric)
                     && (part is null || r.Part == part) && (epochs is null || r.Epochs == epochs)
                     && (paramValue is null || r.ParamValue == paramValue) && (kind is null || r.Kind == kind))
            .ToList();

    /// <summary>The one row for (table, setting, method, metric), narrowed by the optional filters; throws <see cref="DuprException"/> when none or several match.</summary>
    public PaperRow Get(string table, string setting, string method, string metric,
        string? part = null, int? epochs = null, string? paramValue = null, PaperValueKind? kind = null)
    {
        var found = Find(table, setting, method, metric, part, epochs, paramValue, kind);
        string what = $"{table} / {setting} / {method} / {metric}"
                      + (part is null ? "" : $" / part {part}") + (epochs is null ? "" : $" / {epochs} ep")
                      + (paramValue is null ? "" : $" / {paramValue}") + (kind is null ? "" : $" / {kind}");
        return found.Count switch
        {
            1 => found[0],
            0 => throw new DuprException($"paper tables: no row for {what}"),
            _ => throw new DuprException(
                $"paper tables: {found.Count} rows for {what}; narrow it down by part, epochs or param_value: "
                + string.Join("; ", found.Select(r => $"{r.Location} part={r.Part} epochs={r.Epochs} {r.Param}={r.ParamValue}"))),
        };
    }

    /// <summary>Like <see cref="Get"/>, but false instead of an exception when no single row matches.</summary>
    public bool TryGet(string table, string setting, string method, string metric, [MaybeNullWhen(false)] out PaperRow row,
        string? part = null, int? epochs = null, string? paramValue = null, PaperValueKind? kind = null)
    {
        var found = Find(table, setting, method, metric, part, epochs, paramValue, kind);
        row = found.Count == 1 ? found[0] : null;
        return found.Count == 1;
    }

    /// <summary>The row a table cell's bracketed delta is measured against, or null when it has none.</summary>
    public PaperRow? ReferenceOf(PaperRow row) =>
        row.Kind == PaperValueKind.Value && row.ReportedDelta is not null
            ? Rows.Single(r => IsReferenceOf(r, row))
            : null;
}
