using System.Globalization;
using Dupr.Core.Runtime;
using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Performance;

/// <summary>What `dupr bench devices` prints and writes: each value on both devices with its relative difference, and the verdict.</summary>
public static class DeviceAgreementReport
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>True when every row's relative difference is at most <paramref name="tolerance"/>.</summary>
    public static bool Agrees(IReadOnlyList<DeviceAgreementRow> rows, double tolerance) => rows.All(r => r.RelativeDifference <= tolerance);

    /// <summary>The table and a verdict line.</summary>
    public static string Table(IReadOnlyList<DeviceAgreementRow> rows, string device, double tolerance)
    {
        var lines = new List<string>
        {
            string.Create(Inv, $"one training step on cpu and on {device}, same seed and inputs (tolerance {tolerance:G3}, relative)"),
            $"{"model",-32} {"term",-14} {"cpu",14} {device,14} {"rel. diff",10}",
        };
        lines.AddRange(rows.Select(r => string.Create(Inv, $"{r.Model,-32} {r.Term,-14} {r.Cpu,14:G7} {r.Device,14:G7} {r.RelativeDifference,10:0.0E+0}") +
                                        (r.RelativeDifference > tolerance ? "  beyond tolerance" : "")));
        int beyond = rows.Count(r => r.RelativeDifference > tolerance);
        lines.Add(beyond == 0 ? $"AGREE: {rows.Count} values within tolerance" : $"DISAGREE: {beyond} of {rows.Count} values beyond tolerance");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Writes the rows, the device, the tolerance and the verdict as JSON to <paramref name="path"/> (atomically).</summary>
    public static void WriteJson(IReadOnlyList<DeviceAgreementRow> rows, string device, double tolerance, string path) =>
        AtomicFile.WriteAllText(path, new JObject
        {
            ["device"] = device, ["tolerance"] = tolerance, ["agree"] = Agrees(rows, tolerance),
            ["rows"] = new JArray(rows.Select(r => new JObject
            {
                ["model"] = r.Model, ["term"] = r.Term, ["cpu"] = r.Cpu, ["device"] = r.Device, ["relative_difference"] = r.RelativeDifference,
            })),
        }.ToString() + "\n");
}
