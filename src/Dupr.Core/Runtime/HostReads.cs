using static TorchSharp.torch;

namespace Dupr.Core.Runtime;

/// <summary>
/// Every read of tensor values into C# (one value, or an array) goes through here and is counted for the thread that
/// makes it, so that a test can bound what a training step reads: on a GPU each read makes the host wait until the device
/// has caught up with all the work queued before it.
/// </summary>
public static class HostReads
{
    [ThreadStatic] static long _count;

    /// <summary>Reads this thread has made so far.</summary>
    public static long OnThisThread => _count;

    /// <summary>The value of a one-element tensor (TorchSharp's item), counted.</summary>
    public static T ReadItem<T>(this Tensor tensor) where T : unmanaged
    {
        _count++;
        return tensor.item<T>();
    }

    /// <summary>The values of a CPU, contiguous tensor as an array, counted.</summary>
    public static T[] ReadArray<T>(this Tensor tensor) where T : unmanaged
    {
        _count++;
        return tensor.data<T>().ToArray();
    }
}
