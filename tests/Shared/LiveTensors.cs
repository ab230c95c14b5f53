using static TorchSharp.torch;

namespace Dupr.Tests;

/// <summary>Process-wide live-tensor counts for leak tests (run them in the <see cref="NonParallel"/> collection).</summary>
public static class LiveTensors
{
    /// <summary>
    /// Tensor.TotalCount once earlier tests' unreferenced tensors have been finalised: otherwise the
    /// finaliser thread may dispose them while a test measures, and the count moves for no reason of its own.
    /// </summary>
    public static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.TotalCount;
    }
}
