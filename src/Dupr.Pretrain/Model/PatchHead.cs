using Dupr.Core.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Model;

/// <summary>Patch-level projection (paper eq. 5-6's g): a pixel-wise 2-layer MLP as 1x1 convolutions, L2-normalised per position.</summary>
public sealed class PatchHead : nn.Module<Tensor, Tensor>
{
    private readonly Sequential mlp;

    public PatchHead(string name, long inChannels, long hiddenDim, long outDim) : base(name)
    {
        mlp = nn.Sequential(new AutocastConv2d(inChannels, hiddenDim, 1), nn.ReLU(), new AutocastConv2d(hiddenDim, outDim, 1));
        RegisterComponents();
    }

    /// <summary>[N, C, S, S] region features to [N, outDim, S, S], unit length along the channel axis.</summary>
    public override Tensor forward(Tensor regions)
    {
        using var scope = NewDisposeScope();
        return nn.functional.normalize(mlp.forward(regions), dim: 1).MoveToOuterDisposeScope();
    }
}
