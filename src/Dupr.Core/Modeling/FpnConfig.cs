using Dupr.Core.Runtime;

namespace Dupr.Core.Modeling;

/// <summary>Settings of an <see cref="Fpn"/>; defaults are detectron2's R-CNN FPN (res2..res5 in, P2..P6 out).</summary>
public sealed record FpnConfig
{
    /// <summary>Backbone features the lateral connections take, finest first.</summary>
    public List<string> InFeatures { get; init; } = ["res2", "res3", "res4", "res5"];

    /// <summary>Channels of every output level.</summary>
    public int OutChannels { get; init; } = 256;

    /// <summary>Norm in the lateral and output convolutions: None (with bias), BN or GN (MoCo's detection recipe normalises FPN).</summary>
    public NormKind Norm { get; init; } = NormKind.None;

    /// <summary>Extra levels above the last lateral one: MaxPool for R-CNN, P6P7 for RetinaNet.</summary>
    public FpnTopBlock TopBlock { get; init; } = FpnTopBlock.MaxPool;

    /// <summary>detectron2's RetinaNet FPN: res3..res5 in, P3..P7 out, P6 from C5.</summary>
    public static FpnConfig RetinaNet() => new() { InFeatures = ["res3", "res4", "res5"], TopBlock = FpnTopBlock.P6P7 };

    /// <summary>Throws <see cref="DuprException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (InFeatures.Count == 0) throw new DuprException("fpn in_features is empty");
        if (OutChannels <= 0) throw new DuprException($"fpn out_channels must be positive, got {OutChannels}");
        if (Norm == NormKind.FrozenBN) throw new DuprException("fpn norm must be None, BN, SyncBN or GN: a new FPN has no statistics to freeze");
    }
}
