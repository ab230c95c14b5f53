using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Performance;

/// <summary>Wall time of work on a device, waiting for a CUDA device to finish so that kernels are timed, not their launch.</summary>
public static class DeviceTimer
{
    /// <summary>Seconds <paramref name="action"/> took on <paramref name="device"/>.</summary>
    public static double Time(Action action, Device device)
    {
        var clock = Stopwatch.StartNew();
        action();
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
        return clock.Elapsed.TotalSeconds;
    }
}
