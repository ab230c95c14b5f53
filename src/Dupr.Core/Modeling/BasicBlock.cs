using TorchSharp.Modules;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>torchvision's BasicBlock: two 3x3 convolutions plus a shortcut, the first convolution strided.</summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    /// <summary>Output channels per unit of <c>planes</c>.</summary>
    public const int Expansion = 1;

    // Field names are torchvision's attribute names: they become the state_dict keys.
    private readonly AutocastConv2d conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly AutocastConv2d conv2;
    private readonly nn.Module<Tensor, Tensor> bn2;
    private readonly Sequential? downsample;

    /// <summary>A block from <paramref name="inChannels"/> to <paramref name="planes"/> channels.</summary>
    public BasicBlock(long inChannels, long planes, long stride, NormKind norm) : base(nameof(BasicBlock))
    {
        conv1 = new AutocastConv2d(inChannels, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = Norms.Create(norm, planes);
        conv2 = new AutocastConv2d(planes, planes, 3, padding: 1, bias: false);
        bn2 = Norms.Create(norm, planes);
        downsample = ResNetStage.Shortcut(inChannels, planes * Expansion, stride, norm);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var identity = downsample is null ? input : downsample.call(input);
        var x = nn.functional.relu(bn1.call(conv1.call(input)));
        x = bn2.call(conv2.call(x));
        return x.add_(identity, One).relu_();
    }
}
