using System.Collections.Concurrent;
using Dupr.Core.Runtime;

namespace Dupr.Core.Data;

/// <summary>Counts the samples a loader skipped under the skip-bad policy, and the distinct files behind them. Thread-safe.</summary>
public sealed class BadSampleLog
{
    readonly ConcurrentDictionary<string, string> _files = new(StringComparer.Ordinal);
    long _skipped;

    /// <summary>Samples skipped so far (a file that fails in several epochs counts each time).</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Distinct files that failed, with their problem.</summary>
    public IReadOnlyDictionary<string, string> Files => _files;

    /// <summary>Records one skipped sample; warns the first time a file fails.</summary>
    public void Record(DataFileException error)
    {
        Interlocked.Increment(ref _skipped);
        if (_files.TryAdd(error.FilePath, error.Problem)) Log.Warn($"skipping bad image {error.Message}");
    }

    /// <summary>One line for the end of a run, or null when nothing was skipped.</summary>
    public string? Summary()
    {
        if (Skipped == 0) return null;
        var first = _files.OrderBy(f => f.Key, StringComparer.Ordinal).First();
        return $"skipped {Skipped} bad sample(s) from {_files.Count} file(s), e.g. {first.Key}: {first.Value}";
    }
}
