using System.Collections.Concurrent;
using System.Diagnostics;

namespace Dupr.Core.Ops;

/// <summary>
/// Wall time spent inside named detection ops (RoIAlign forward and backward, NMS, anchor matching), summed over threads,
/// for `dupr bench detect`. Off by default: then <see cref="Measure"/> reads one static flag and returns an empty scope,
/// so the ops' hot paths pay nothing.
/// </summary>
public static class OpTimer
{
    /// <summary>RoIAlign forward (every implementation) and the CPU kernel's backward.</summary>
    public const string RoIAlign = "roi_align";

    /// <summary>NMS and batched NMS.</summary>
    public const string Nms = "nms";

    /// <summary>Labelling anchors for the losses: IoU with the ground truth, matching, sampling, box targets.</summary>
    public const string AnchorMatching = "anchor_matching";

    static readonly ConcurrentDictionary<string, long> Ticks = new();
    static volatile bool _enabled;

    /// <summary>Whether <see cref="Measure"/> records anything.</summary>
    public static bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }

    /// <summary>
    /// Run before a timed op starts and after it ends while enabled, e.g. a CUDA synchronize so that asynchronous devices are
    /// timed by their work rather than by the kernel launches; null on the CPU.
    /// </summary>
    public static Action? Synchronize { get; set; }

    /// <summary>Times <paramref name="op"/> until the returned scope is disposed (nothing when disabled).</summary>
    public static Scope Measure(string op)
    {
        if (!_enabled) return default;
        Synchronize?.Invoke();
        return new Scope(op, Stopwatch.GetTimestamp());
    }

    /// <summary>The time recorded per op since the last <see cref="Reset"/>.</summary>
    public static IReadOnlyDictionary<string, TimeSpan> Totals() =>
        Ticks.ToDictionary(entry => entry.Key, entry => Stopwatch.GetElapsedTime(0, entry.Value));

    /// <summary>Forgets the recorded time.</summary>
    public static void Reset() => Ticks.Clear();

    /// <summary>One timed op; disposing it adds its time (a default scope adds nothing).</summary>
    public readonly struct Scope : IDisposable
    {
        readonly string? _op;
        readonly long _start;

        internal Scope(string op, long start) => (_op, _start) = (op, start);

        public void Dispose()
        {
            if (_op is null) return;
            Synchronize?.Invoke();
            long elapsed = Stopwatch.GetTimestamp() - _start;
            Ticks.AddOrUpdate(_op, elapsed, (_, total) => total + elapsed);
        }
    }
}
