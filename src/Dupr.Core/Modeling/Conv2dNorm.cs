using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>
/// A convolution with an optional norm after it, laid out like detectron2's Conv2d (keys weight, bias, norm.*),
/// initialised with c2_xavier_fill; it has a bias only when it has no norm.
/// </summary>
public sealed class Conv2dNorm : nn.Module<Tensor, Tensor>
{
    // Field names are detectron2's: they become the state_dict keys.
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly nn.Module<Tensor, Tensor>? norm;
    private readonly long stride;
    private readonly long padding;

    /// <summary>A square <paramref name="kernelSize"/> convolution padded to keep the size at stride 1.</summary>
    public Conv2dNorm(long inChannels, long outChannels, long kernelSize, long stride, NormKind norm) : base(nameof(Conv2dNorm))
    {
        this.stride = stride;
        padding = kernelSize / 2;
        weight = new Parameter(empty(outChannels, inChannels, kernelSize, kernelSize).DetachFromDisposeScope());
        bias = norm == NormKind.None ? new Parameter(zeros(outChannels).DetachFromDisposeScope()) : null;
        this.norm = norm == NormKind.None ? null : Norms.Create(norm, outChannels);
        // detectron2's c2_xavier_fill (Caffe2 XavierFill): kaiming_uniform with a=1, bias 0.
        using (no_grad()) nn.init.kaiming_uniform_(weight, a: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = Autocast.Conv2d(input, weight, bias, [stride, stride], [padding, padding], [1, 1], 1);
        return norm is null ? x : norm.call(x);
    }
}
