using System.Diagnostics;

namespace Dupr.Core.Runtime;

/// <summary>Progress of long work, printed with rate and ETA at most every <see cref="Interval"/>.</summary>
public sealed class Progress
{
    readonly string _label;
    readonly long _total;
    readonly string _unit;
    readonly long _start;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly Action<string> _write;
    readonly object _gate = new();
    TimeSpan? _lastPrint;

    /// <summary>Shortest time between two printed lines.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Starts tracking <paramref name="total"/> units of work, of which <paramref name="start"/> are already done (resume).</summary>
    public Progress(string label, long total, string unit = "it", long start = 0, Action<string>? write = null)
    {
        _label = label;
        _total = total;
        _unit = unit;
        _start = start;
        _write = write ?? Log.Info;
    }

    /// <summary>Records that <paramref name="done"/> units are finished; prints when due or at the end. Thread-safe.</summary>
    public void Report(long done, string? detail = null)
    {
        lock (_gate)
        {
            TimeSpan now = _clock.Elapsed;
            bool last = done >= _total;
            if (!last && _lastPrint is TimeSpan previous && now - previous < Interval) return;
            _lastPrint = now;
            _write(Format(done, now, detail));
        }
    }

    /// <summary>The progress line for <paramref name="done"/> units after <paramref name="elapsed"/>.</summary>
    public string Format(long done, TimeSpan elapsed, string? detail = null)
    {
        double rate = elapsed.TotalSeconds > 0 ? (done - _start) / elapsed.TotalSeconds : 0;
        string eta = rate > 0 ? FormatDuration(TimeSpan.FromSeconds((_total - done) / rate)) : "?";
        double percent = _total > 0 ? 100.0 * done / _total : 100;
        string line = $"[{_label}] {done}/{_total} ({percent:0.0}%) {rate:0.00} {_unit}/s elapsed {FormatDuration(elapsed)} ETA {eta}";
        return detail == null ? line : $"{line} {detail}";
    }

    /// <summary>h:mm:ss, or m:ss under an hour.</summary>
    public static string FormatDuration(TimeSpan span)
    {
        long seconds = (long)Math.Max(0, Math.Round(span.TotalSeconds));
        return seconds >= 3600 ? $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}" : $"{seconds / 60}:{seconds % 60:00}";
    }
}
