using System.Diagnostics;

namespace Dupr.Benchmarks.Performance;

/// <summary>Wall time and this process's CPU time (all threads) since <see cref="Start"/>.</summary>
public readonly struct CpuClock
{
    readonly Stopwatch _wall;
    readonly TimeSpan _cpuAtStart;

    CpuClock(Stopwatch wall, TimeSpan cpu) => (_wall, _cpuAtStart) = (wall, cpu);

    /// <summary>Starts both clocks.</summary>
    public static CpuClock Start() => new(Stopwatch.StartNew(), Process.GetCurrentProcess().TotalProcessorTime);

    /// <summary>Seconds of wall time and of CPU time so far.</summary>
    public (double Wall, double Cpu) Elapsed() =>
        (_wall.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalSeconds);
}
