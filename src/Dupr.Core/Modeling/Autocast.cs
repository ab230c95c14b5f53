using Dupr.Core.Training;
using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>
/// The lower-precision compute of torch.autocast, for the ops that gain from it: inside <see cref="Enter"/>, convolutions,
/// linear layers and <see cref="Matmul"/> cast their inputs and (fp32 master) weights to bf16 or fp16, compute, and return
/// float32, so that norms, softmax, losses and the optimiser stay in float32 and the gradients reach the weights in float32.
/// Outside it (and with fp32) they are the plain float32 ops. The setting is per thread, as torch's is.
/// </summary>
public static class Autocast
{
    [ThreadStatic] static ScalarType? _current;

    /// <summary>The compute type of convolutions and matmuls on this thread; null: float32.</summary>
    public static ScalarType? Current => _current;

    /// <summary>The scalar type <paramref name="precision"/> computes in; null for fp32.</summary>
    public static ScalarType? ComputeType(Precision precision) => precision switch
    {
        Precision.Bf16 => ScalarType.BFloat16,
        Precision.Fp16 => ScalarType.Float16,
        _ => null,
    };

    /// <summary>Computes convolutions and matmuls of this thread in <paramref name="precision"/> until disposed (then as before).</summary>
    public static IDisposable Enter(Precision precision) => new Region(ComputeType(precision));

    /// <summary>torch's conv2d, in <see cref="Current"/>'s precision.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long[] stride, long[] padding, long[] dilation, long groups)
    {
        if (_current is not ScalarType low) return nn.functional.conv2d(input, weight, bias, stride, padding, dilation, groups);
        using var scope = NewDisposeScope();
        var output = nn.functional.conv2d(input.to(low), weight.to(low), bias?.to(low), stride, padding, dilation, groups);
        return output.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>torch's linear, in <see cref="Current"/>'s precision.</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias)
    {
        if (_current is not ScalarType low) return nn.functional.linear(input, weight, bias);
        using var scope = NewDisposeScope();
        return nn.functional.linear(input.to(low), weight.to(low), bias?.to(low)).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>a.matmul(b) in <paramref name="low"/> (null: float32), float32 out; for custom backwards, which keep the forward's choice.</summary>
    public static Tensor Matmul(Tensor a, Tensor b, ScalarType? low)
    {
        if (low is not ScalarType type) return a.matmul(b);
        using var scope = NewDisposeScope();
        return a.to(type).matmul(b.to(type)).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    sealed class Region : IDisposable
    {
        readonly ScalarType? _previous;
        bool _disposed;

        public Region(ScalarType? type)
        {
            _previous = _current;
            _current = type;
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _current = _previous;
        }
    }
}
