using Dupr.Core.Runtime;
using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>Creates the normalisation layer for a <see cref="NormKind"/>.</summary>
public static class Norms
{
    /// <summary>Group count of GN layers (detectron2 and the GN paper).</summary>
    public const int GroupNormGroups = 32;

    /// <summary>A norm over <paramref name="channels"/> channels; <see cref="NormKind.None"/> has no layer.</summary>
    public static nn.Module<Tensor, Tensor> Create(NormKind kind, long channels) => kind switch
    {
        NormKind.BN => new BatchNorm2d(channels),
        NormKind.FrozenBN => new FrozenBatchNorm2d(channels),
        NormKind.GN => channels % GroupNormGroups == 0
            ? GroupNorm(channels)
            : throw new DuprException($"GN needs a channel count divisible by {GroupNormGroups}, got {channels}"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no norm layer for this kind"),
    };

    // TorchSharp 0.107's GroupNorm leaves its affine parameters uninitialised (garbage or NaN); PyTorch's
    // reset_parameters sets weight 1 and bias 0.
    static nn.Module<Tensor, Tensor> GroupNorm(long channels)
    {
        var norm = nn.GroupNorm(GroupNormGroups, channels);
        using (no_grad())
        {
            nn.init.ones_(norm.weight!);
            nn.init.zeros_(norm.bias!);
        }
        return norm;
    }
}
