using TorchSharp;
using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Model;

/// <summary>
/// A MoCo memory bank: K L2-normalised keys of dimension D, replaced first-in first-out. The keys
/// and the write pointer are buffers (MoCo's `queue` and `queue_ptr`), so checkpoints carry them.
/// </summary>
public sealed class KeyQueue : nn.Module
{
    private readonly Tensor queue;
    private readonly Tensor queue_ptr;

    /// <summary>Starts with random unit vectors, as MoCo does.</summary>
    public KeyQueue(string name, long size, long dim) : base(name)
    {
        queue = nn.functional.normalize(randn(size, dim), dim: 1);
        queue_ptr = zeros(1, ScalarType.Int64);
        register_buffer("queue", queue);
        register_buffer("queue_ptr", queue_ptr);
    }

    /// <summary>The keys, [K, D].</summary>
    public Tensor Keys => queue;

    /// <summary>Index of the next slot to overwrite.</summary>
    public long Pointer => queue_ptr.ReadItem<long>();

    /// <summary>Writes <paramref name="keys"/> [B, D] at the pointer, wrapping around the end.</summary>
    public void Enqueue(Tensor keys)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long size = queue.shape[0], count = keys.shape[0];
        if (count > size) throw new ArgumentException($"cannot enqueue {count} keys into a queue of {size}");
        // The pointer stays on the queue's device: no host read per step.
        var slots = queue_ptr.add(arange(S(0L), S(count), S(1L), dtype: ScalarType.Int64, device: queue.device), One).remainder(S(size));
        queue.index_copy_(0, slots, keys.detach().to(queue.dtype));
        queue_ptr.add_(S(count), One).remainder_(S(size));
    }
}
