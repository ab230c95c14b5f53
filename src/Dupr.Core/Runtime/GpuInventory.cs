using System.Diagnostics;

namespace Dupr.Core.Runtime;

/// <summary>What `dupr env` says about each NVIDIA GPU: name, memory and driver, from nvidia-smi (libtorch has no query for them).</summary>
public static class GpuInventory
{
    /// <summary>One row per GPU, "NVIDIA H100 80GB HBM3, 81559 MiB, driver 580.65.06", or a row saying why there are none.</summary>
    public static IReadOnlyList<(string Name, string Value)> Rows()
    {
        string? csv = Query();
        return csv is null ? [("gpus", "nvidia-smi not found or failed")] : Parse(csv);
    }

    /// <summary>Rows from nvidia-smi's `--query-gpu=index,name,memory.total,driver_version --format=csv,noheader` output.</summary>
    public static IReadOnlyList<(string Name, string Value)> Parse(string csv)
    {
        var rows = new List<(string, string)>();
        foreach (string line in csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] cells = line.Split(',', StringSplitOptions.TrimEntries);
            if (cells.Length != 4) continue;
            rows.Add(($"gpu {cells[0]}", $"{cells[1]}, {cells[2]}, driver {cells[3]}"));
        }
        return rows.Count > 0 ? rows : [("gpus", "nvidia-smi lists none")];
    }

    static string? Query()
    {
        try
        {
            var start = new ProcessStartInfo("nvidia-smi", "--query-gpu=index,name,memory.total,driver_version --format=csv,noheader")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
