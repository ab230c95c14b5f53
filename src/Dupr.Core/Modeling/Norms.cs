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
        NormKind.SyncBN => new BatchNorm2d(channels) { Synchronized = true },
        NormKind.FrozenBN => new FrozenBatchNorm2d(channels),
        NormKind.GN => channels % GroupNormGroups == 0
            ? GroupNorm(channels)
            : throw new DuprException($"GN needs a channel count divisible by {GroupNormGroups}, got {channels}"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no norm layer for this kind"),
    };

    /// <summary>
    /// True for normalisation layers (detectron2's norm_module_types: batch, group, instance, layer and local response norm),
    /// whose parameters solver.weight_decay_norm decays.
    /// </summary>
    public static bool IsNorm(nn.Module module) => module is BatchNorm2d or FrozenBatchNorm2d
        or TorchSharp.Modules.BatchNorm1d or TorchSharp.Modules.BatchNorm2d or TorchSharp.Modules.BatchNorm3d or TorchSharp.Modules.GroupNorm
        or TorchSharp.Modules.InstanceNorm1d or TorchSharp.Modules.InstanceNorm2d or TorchSharp.Modules.InstanceNorm3d
        or TorchSharp.Modules.LayerNorm or TorchSharp.Modules.LocalResponseNorm;

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
