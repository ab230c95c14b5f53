using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsvHelper;
using Dupr.Core.Ops;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Performance;

/// <summary>How <see cref="OpsBenchmark"/> runs.</summary>
public sealed record OpsBenchmarkOptions
{
    /// <summary>Timed runs per row at most.</summary>
    public int Repeats { get; init; } = 5;

    /// <summary>Untimed runs before them at most: at least one, fewer once they took a third of the row budget.</summary>
    public int Warmup { get; init; } = 3;

    /// <summary>After three timed runs, a row stops once it has spent this long.</summary>
    public double RowBudgetSeconds { get; init; } = 30;

    /// <summary>Seed of the boxes, scores and features.</summary>
    public ulong Seed { get; init; }

    /// <summary>Only rows whose name contains this text (case-insensitive); null: every row.</summary>
    public string? Filter { get; init; }

    /// <summary>The RoIAlign implementation to time.</summary>
    public RoIAlignImplementation RoIAlign { get; init; } = RoIAlignImplementation.Auto;

    /// <summary>Where the tensors live.</summary>
    public Device Device { get; init; } = CPU;
}

/// <summary>One benchmark row: median and fastest of the timed runs, in milliseconds (warm-up excluded).</summary>
public sealed record OpsTiming(string Row, int Runs, double MedianMs, double MinMs);

/// <summary>
/// Times RoIAlign (forward, forward+backward) and NMS on the shapes of a Faster R-CNN step:
/// issue 3's acceptance rows. tools/reference/bench_ops_torchvision.py times the same rows, with the
/// same boxes, using torchvision's compiled ops.
/// </summary>
public static class OpsBenchmark
{
    const double ImageHeight = 800, ImageWidth = 1088;

    sealed record Row(string Name, Func<OpsBenchmarkOptions, Action> Prepare);

    static readonly Row[] Rows =
    [
        RoIAlignRow(512, 7, 256, backward: false),
        RoIAlignRow(512, 7, 256, backward: true),
        RoIAlignRow(2000, 14, 1024, backward: false),
        RoIAlignRow(2000, 14, 1024, backward: true),
        NmsRow(1000),
        NmsRow(12000),
    ];

    /// <summary>The names of all rows, in the order they run.</summary>
    public static IReadOnlyList<string> RowNames => Rows.Select(r => r.Name).ToArray();

    /// <summary>Runs the selected rows one after the other, yielding each as it finishes.</summary>
    public static IEnumerable<OpsTiming> Run(OpsBenchmarkOptions options)
    {
        if (options.Repeats < 1) throw new ArgumentException($"repeats must be at least 1, got {options.Repeats}", nameof(options));
        var selected = Rows.Where(r => options.Filter is null || r.Name.Contains(options.Filter, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (selected.Length == 0)
            throw new ArgumentException($"no row matches '{options.Filter}'; rows: {string.Join("; ", RowNames)}", nameof(options));
        foreach (var row in selected)
        {
            using var scope = NewDisposeScope();
            var action = row.Prepare(options);
            yield return Time(row.Name, action, options);
        }
    }

    static OpsTiming Time(string name, Action action, OpsBenchmarkOptions options)
    {
        // Warm-up: first-call costs (JIT tiers, allocator, thread pool) are not what we measure.
        var total = Stopwatch.StartNew();
        for (int i = 0; i < Math.Max(1, options.Warmup) && (i == 0 || total.Elapsed.TotalSeconds < options.RowBudgetSeconds / 3); i++) action();
        var times = new List<double>();
        total.Restart();
        while (times.Count < options.Repeats && (times.Count < 3 || total.Elapsed.TotalSeconds < options.RowBudgetSeconds))
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return new OpsTiming(name, times.Count, Statistics.Median(times), times.Min());
    }

    static Row RoIAlignRow(int boxes, int size, int channels, bool backward) => new(
        $"roi_align {(backward ? "forward+backward" : "forward")} {boxes}x{size}x{size} on 1x{channels}x50x68",
        options =>
        {
            using var generator = new Generator(options.Seed);
            var features = randn([1, channels, 50, 68], generator: generator).to(options.Device);
            var box = new BenchmarkBoxes(options.Seed).Boxes(boxes, ImageHeight, ImageWidth);
            var rois = cat([zeros(boxes, 1), tensor(box).view(boxes, 4)], 1).to(options.Device);
            if (!backward)
                return () =>
                {
                    using var step = NewDisposeScope();
                    using var noGrad = no_grad();
                    RoIAlign.Apply(features, rois, (size, size), 1 / 16.0, 0, aligned: true, options.RoIAlign);
                };
            features.requires_grad_(true);
            var gradOutput = randn([boxes, channels, size, size], generator: generator).to(options.Device);
            return () =>
            {
                using var step = NewDisposeScope();
                RoIAlign.Apply(features, rois, (size, size), 1 / 16.0, 0, aligned: true, options.RoIAlign).backward([gradOutput]);
            };
        });

    static Row NmsRow(int count) => new(
        $"nms {count} boxes iou 0.7",
        options =>
        {
            var source = new BenchmarkBoxes(options.Seed);
            var boxes = tensor(source.Boxes(count, ImageHeight, ImageWidth)).view(count, 4).to(options.Device);
            var scores = tensor(source.Scores(count)).to(options.Device);
            return () =>
            {
                using var step = NewDisposeScope();
                Nms.Apply(boxes, scores, 0.7);
            };
        });

    /// <summary>The rows as an aligned text table.</summary>
    public static string Table(IEnumerable<OpsTiming> rows)
    {
        var list = rows.ToList();
        int width = Math.Max("row".Length, list.Count == 0 ? 0 : list.Max(r => r.Row.Length));
        var text = new StringBuilder();
        text.AppendLine($"{"row".PadRight(width)}  {"runs",4}  {"median ms",11}  {"min ms",11}");
        foreach (var r in list)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{r.Row.PadRight(width)}  {r.Runs,4}  {r.MedianMs,11:F1}  {r.MinMs,11:F1}"));
        return text.ToString();
    }

    /// <summary>Writes the rows to <paramref name="path"/> as CSV (row, runs, median_ms, min_ms).</summary>
    public static void WriteCsv(string path, IEnumerable<OpsTiming> rows)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder != null) Directory.CreateDirectory(folder);
        using var csv = CsvWriter.ToFile(path, new CsvWriterOptions(), FileOptions.None);
        csv.WriteRecord(["row", "runs", "median_ms", "min_ms"]);
        foreach (var r in rows)
            csv.WriteRecord([
                r.Row,
                r.Runs.ToString(CultureInfo.InvariantCulture),
                r.MedianMs.ToString("F3", CultureInfo.InvariantCulture),
                r.MinMs.ToString("F3", CultureInfo.InvariantCulture),
            ]);
    }
}
