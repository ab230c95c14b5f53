using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>
/// torch.nn.Conv2d (same keys, same initialisation, same numbers in float32) that computes in <see cref="Autocast"/>'s
/// precision: every convolution of our models is one, so `train.precision` reaches them all.
/// </summary>
public sealed class AutocastConv2d : nn.Module<Tensor, Tensor>
{
    // Field names are PyTorch's: they become the state_dict keys.
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly long[] stride, padding, dilation;
    private readonly long groups;

    /// <summary>A square <paramref name="kernelSize"/> convolution, initialised as torch.nn.Conv2d's reset_parameters.</summary>
    public AutocastConv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = true)
        : base(nameof(AutocastConv2d))
    {
        this.stride = [stride, stride];
        this.padding = [padding, padding];
        this.dilation = [dilation, dilation];
        this.groups = groups;
        weight = new Parameter(empty(outChannels, inChannels / groups, kernelSize, kernelSize).DetachFromDisposeScope());
        this.bias = bias ? new Parameter(empty(outChannels).DetachFromDisposeScope()) : null;
        TorchLayerInit.Reset(weight, this.bias);
        RegisterComponents();
    }

    /// <summary>The kernel [out, in / groups, k, k], float32.</summary>
    public Parameter Weight => weight;

    /// <summary>The bias [out], or null.</summary>
    public Parameter? Bias => bias;

    public override Tensor forward(Tensor input) => Autocast.Conv2d(input, weight, bias, stride, padding, dilation, groups);
}
