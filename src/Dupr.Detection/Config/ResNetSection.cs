using Dupr.Core.Modeling;

namespace Dupr.Detection.Config;

/// <summary>The detector's ResNet (detectron2's MODEL.RESNETS and BACKBONE.FREEZE_AT); defaults are detectron2's R-50.</summary>
public sealed class ResNetSection
{
    /// <summary>18, 34, 50, 101 or 152.</summary>
    public int Depth { get; set; } = 50;

    /// <summary>Stem width (64 in every standard ResNet; smaller only for tiny test models).</summary>
    public int Width { get; set; } = 64;

    /// <summary>Norm of the backbone (and the C4 res5 head): BN trained with batch statistics, FrozenBN or GN.</summary>
    public NormKind Norm { get; set; } = NormKind.FrozenBN;

    /// <summary>Stages frozen from the input on: 0 none, 1 the stem, 2 stem and res2 (detectron2's default), ... 5 everything.</summary>
    public int FreezeAt { get; set; } = 2;

    /// <summary>The ResNet of a C4 detector: stages up to res4 only (res5 is in the box head).</summary>
    public ResNetConfig ToC4Config() => new()
    {
        Depth = Depth, Width = Width, Norm = Norm, FreezeAt = FreezeAt, OutFeatures = ["res4"], OnlyUpToOutFeatures = true,
    };

    /// <summary>The bottom-up ResNet of an FPN detector: the stages <paramref name="fpnInFeatures"/> and none past the deepest.</summary>
    public ResNetConfig ToFpnConfig(IReadOnlyList<string> fpnInFeatures) => new()
    {
        Depth = Depth, Width = Width, Norm = Norm, FreezeAt = FreezeAt, OutFeatures = [.. fpnInFeatures], OnlyUpToOutFeatures = true,
    };
}
