using TorchSharp.Modules;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>torchvision's Bottleneck (ResNet v1.5): 1x1, strided 3x3 and 1x1 convolutions plus a shortcut.</summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    /// <summary>Output channels per unit of <c>planes</c>.</summary>
    public const int Expansion = 4;

    // Field names are torchvision's attribute names: they become the state_dict keys.
    private readonly AutocastConv2d conv1;
    private readonly nn.Module<Tensor, Tensor> bn1;
    private readonly AutocastConv2d conv2;
    private readonly nn.Module<Tensor, Tensor> bn2;
    private readonly AutocastConv2d conv3;
    private readonly nn.Module<Tensor, Tensor> bn3;
    private readonly Sequential? downsample;

    /// <summary>A block from <paramref name="inChannels"/> to 4 x <paramref name="planes"/> channels.</summary>
    public Bottleneck(long inChannels, long planes, long stride, NormKind norm) : base(nameof(Bottleneck))
    {
        conv1 = new AutocastConv2d(inChannels, planes, 1, bias: false);
        bn1 = Norms.Create(norm, planes);
        // The stride sits on the 3x3 convolution (torchvision v1.5, detectron2 stride_in_1x1=False).
        conv2 = new AutocastConv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
        bn2 = Norms.Create(norm, planes);
        conv3 = new AutocastConv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = Norms.Create(norm, planes * Expansion);
        downsample = ResNetStage.Shortcut(inChannels, planes * Expansion, stride, norm);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var identity = downsample is null ? input : downsample.call(input);
        var x = nn.functional.relu(bn1.call(conv1.call(input)));
        x = nn.functional.relu(bn2.call(conv2.call(x)));
        x = bn3.call(conv3.call(x));
        return x.add_(identity, One).relu_();
    }
}
