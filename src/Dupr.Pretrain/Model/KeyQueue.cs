using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Model;

/// <summary>A MoCo memory bank: K L2-normalised keys of dimension D, replaced first-in first-out.</summary>
public sealed class KeyQueue : IDisposable
{
    long _pointer;

    /// <summary>The keys, [K, D]; a buffer, never trained.</summary>
    public Tensor Keys { get; }

    /// <summary>Index of the next slot to overwrite.</summary>
    public long Pointer => _pointer;

    /// <summary>Starts with random unit vectors, as MoCo does.</summary>
    public KeyQueue(long size, long dim, Device device)
    {
        using var scope = NewDisposeScope();
        Keys = nn.functional.normalize(randn(size, dim, device: device), dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>Writes <paramref name="keys"/> [B, D] at the pointer, wrapping around the end.</summary>
    public void Enqueue(Tensor keys)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long size = Keys.shape[0], count = keys.shape[0];
        if (count > size) throw new ArgumentException($"cannot enqueue {count} keys into a queue of {size}");
        var slots = arange(_pointer, _pointer + count, dtype: ScalarType.Int64, device: Keys.device).remainder(size);
        Keys.index_copy_(0, slots, keys.detach().to(Keys.dtype));
        _pointer = (_pointer + count) % size;
    }

    /// <summary>Restores the state saved by a checkpoint.</summary>
    public void Restore(Tensor keys, long pointer)
    {
        using var noGrad = no_grad();
        Keys.copy_(keys);
        _pointer = pointer;
    }

    public void Dispose() => Keys.Dispose();
}
