using TorchSharp;

namespace Dupr.Core.Runtime;

/// <summary>TorchSharp Scalars that stay alive through the native call that reads them: write <c>x.mul_(S(0.5))</c>, never <c>x.mul_(0.5)</c>.</summary>
/// <remarks>
/// TorchSharp 0.107 turns a C# number into a Scalar whose native c10::Scalar only its finalizer frees, and passes its handle
/// to libtorch without keeping the object alive: a GC on any thread can then free it while libtorch reads it, and another
/// Scalar can reuse the memory ("Unknown scalar type", "alpha must not be a floating point number", or a wrong value).
/// <para>
/// S keeps each Scalar it makes in a ring of the calling thread and frees it itself, on that thread, when the slot comes
/// round again <see cref="RingSize"/> S calls later. libtorch copies a Scalar's value during the call that receives it, so
/// a Scalar is needed only until that call returns, which is long before its slot is reused as long as S(...) stands
/// directly in the call's argument list (the DUPR004 rule of tools/analyzers enforces that). A kept S(...) fails loudly
/// ("Scalar invalid -- empty handle"), never silently. DisposeScope cannot hold Scalars (its Attach accepts tensors only),
/// and a ring needs no scope, bounds the native memory per thread and leaves no work to the finalizer.
/// </para>
/// </remarks>
public static class Scalars
{
    /// <summary>How many S calls on a thread a Scalar survives.</summary>
    public const int RingSize = 1024;

    /// <summary>The int 1: TorchSharp's default alpha of add and value of addcdiv, passed explicitly because its own is a temporary.</summary>
    public static readonly Scalar One = 1.ToScalar();

    [ThreadStatic] private static Scalar?[]? ring;
    [ThreadStatic] private static int next;

    /// <summary>A double Scalar (libtorch's Float64 scalar, as the implicit conversion makes).</summary>
    public static Scalar S(double value) => Recycle(out int slot)[slot] = value.ToScalar();

    /// <summary>A float Scalar.</summary>
    public static Scalar S(float value) => Recycle(out int slot)[slot] = value.ToScalar();

    /// <summary>An int Scalar: an integral Scalar keeps integer tensors integral.</summary>
    public static Scalar S(int value) => Recycle(out int slot)[slot] = value.ToScalar();

    /// <summary>A long Scalar.</summary>
    public static Scalar S(long value) => Recycle(out int slot)[slot] = value.ToScalar();

    /// <summary>A byte Scalar.</summary>
    public static Scalar S(byte value) => Recycle(out int slot)[slot] = value.ToScalar();

    /// <summary>Frees the thread's Scalar in the next slot of its ring and returns the ring with that slot.</summary>
    private static Scalar?[] Recycle(out int slot)
    {
        Scalar?[] scalars = ring ??= new Scalar?[RingSize];
        slot = next;
        next = (next + 1) % RingSize;
        scalars[slot]?.Dispose();
        return scalars;
    }
}
