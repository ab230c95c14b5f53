using Cocona;
using Dupr.Core.Runtime;

namespace Dupr.Cli.Commands;

/// <summary>`dupr env`: versions, devices, threads and the native-library fix.</summary>
public sealed class EnvCommand
{
    [Command("env", Description = "Print TorchSharp and libtorch versions, devices, CUDA availability, thread counts and whether the libstdc++ fix was applied.")]
    public void Env(GlobalOptions global)
    {
        RuntimeOptions options = global.ToRuntimeOptions();
        options.Apply();
        var rows = EnvironmentReport.Collect().ToList();
        rows.Add(("selected device", DeviceSpec.Resolve(options.Device).ToString()));
        int width = rows.Max(r => r.Name.Length);
        foreach (var (name, value) in rows) Console.WriteLine($"{name.PadRight(width)}  {value}");
    }
}
