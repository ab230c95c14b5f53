using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Core.Ops;

/// <summary>Raw access to the memory of contiguous CPU tensors, for the hand-written kernels.</summary>
internal static unsafe partial class TensorMemory
{
    /// <summary>The address of the first element of <paramref name="tensor"/>, which must be a contiguous CPU tensor of <typeparamref name="T"/>.</summary>
    public static T* Pointer<T>(Tensor tensor) where T : unmanaged
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException("kernel tensors must be contiguous and on the CPU", nameof(tensor));
        if (tensor.element_size() != sizeof(T))
            throw new ArgumentException($"tensor of {tensor.dtype} read as {typeof(T).Name}", nameof(tensor));
        if (tensor.numel() == 0) return null;
        // TorchSharp's own accessors either copy or are limited to 2 GiB spans; the storage pointer
        // plus the view's offset is what libtorch itself uses.
        return (T*)StorageDataPtr(tensor.Handle) + tensor.storage_offset();
    }

    [LibraryImport("LibTorchSharp", EntryPoint = "THSStorage_data_ptr")]
    private static partial IntPtr StorageDataPtr(IntPtr tensor);
}
