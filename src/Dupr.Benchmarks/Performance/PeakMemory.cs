using System.Diagnostics;

namespace Dupr.Benchmarks.Performance;

/// <summary>The process's peak resident memory, resettable on Linux so that one phase can be measured on its own.</summary>
public static class PeakMemory
{
    const string ClearRefs = "/proc/self/clear_refs";
    const string Status = "/proc/self/status";

    /// <summary>Resets the peak to the current resident size (Linux: "5" into /proc/self/clear_refs); false where unsupported.</summary>
    public static bool Reset()
    {
        try
        {
            File.WriteAllText(ClearRefs, "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Peak resident bytes since start or the last <see cref="Reset"/> (VmHWM; elsewhere the peak working set).</summary>
    public static long Bytes()
    {
        if (File.Exists(Status))
            foreach (string line in File.ReadLines(Status))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}
