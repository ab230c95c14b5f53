using Dupr.Core.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Model;

/// <summary>Image-level projection of one feature level: global average pool, 2-layer MLP, L2-normalised (MoCo v2's head).</summary>
public sealed class ImageHead : nn.Module<Tensor, Tensor>
{
    private readonly Sequential mlp;

    public ImageHead(string name, long inChannels, long hiddenDim, long outDim) : base(name)
    {
        mlp = nn.Sequential(new AutocastLinear(inChannels, hiddenDim), nn.ReLU(), new AutocastLinear(hiddenDim, outDim));
        RegisterComponents();
    }

    /// <summary>[N, C, H, W] feature map to [N, outDim] unit vectors.</summary>
    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        var pooled = features.mean([2, 3]);
        return nn.functional.normalize(mlp.forward(pooled), dim: 1).MoveToOuterDisposeScope();
    }
}
