using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>
/// Batch norm whose statistics and affine parameters are fixed buffers (torchvision/detectron2 FrozenBatchNorm2d).
/// </summary>
/// <remarks>
/// TorchVision 0.107's torchvision.ops.FrozenBatchNorm2d overwrites its own bias on every forward,
/// so a second call gives a different result; this one does not. The state_dict keys are weight,
/// bias, running_mean and running_var, as in PyTorch (no num_batches_tracked).
/// </remarks>
public sealed class FrozenBatchNorm2d : nn.Module<Tensor, Tensor>
{
    // Buffers, not parameters: nothing here is trained. Names are PyTorch's.
    private readonly Tensor weight;
    private readonly Tensor bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;
    private readonly double eps;

    /// <summary>Creates an identity transform over <paramref name="numFeatures"/> channels.</summary>
    public FrozenBatchNorm2d(long numFeatures, double eps = 1e-5) : base(nameof(FrozenBatchNorm2d))
    {
        this.eps = eps;
        // The module owns its buffers: a dispose scope around its construction must not free them.
        weight = ones(numFeatures).DetachFromDisposeScope();
        bias = zeros(numFeatures).DetachFromDisposeScope();
        running_mean = zeros(numFeatures).DetachFromDisposeScope();
        running_var = ones(numFeatures).DetachFromDisposeScope();
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        // Fold the four buffers into one scale and shift per channel.
        var scale = weight * running_var.add(S(eps), One).rsqrt();
        var shift = bias - running_mean * scale;
        var output = (input * scale.reshape(1, -1, 1, 1)).add(shift.reshape(1, -1, 1, 1), One);
        return output.MoveToOuterDisposeScope();
    }
}
