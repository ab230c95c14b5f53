using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>torch.nn.Linear (same keys, same initialisation, same numbers in float32) that computes in <see cref="Autocast"/>'s precision.</summary>
public sealed class AutocastLinear : nn.Module<Tensor, Tensor>
{
    // Field names are PyTorch's: they become the state_dict keys.
    private readonly Parameter weight;
    private readonly Parameter? bias;

    /// <summary>A layer from <paramref name="inFeatures"/> to <paramref name="outFeatures"/>, initialised as torch.nn.Linear's.</summary>
    public AutocastLinear(long inFeatures, long outFeatures, bool bias = true) : base(nameof(AutocastLinear))
    {
        weight = new Parameter(empty(outFeatures, inFeatures).DetachFromDisposeScope());
        this.bias = bias ? new Parameter(empty(outFeatures).DetachFromDisposeScope()) : null;
        TorchLayerInit.Reset(weight, this.bias);
        RegisterComponents();
    }

    /// <summary>The weight [out, in], float32.</summary>
    public Parameter Weight => weight;

    /// <summary>The bias [out], or null.</summary>
    public Parameter? Bias => bias;

    public override Tensor forward(Tensor input) => Autocast.Linear(input, weight, bias);
}
