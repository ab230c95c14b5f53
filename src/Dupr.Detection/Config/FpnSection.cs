using Dupr.Core.Modeling;
using Dupr.Core.Runtime;

namespace Dupr.Detection.Config;

/// <summary>The feature pyramid of the FPN detectors (detectron2's MODEL.FPN); defaults are detectron2's R-CNN FPN (res2..res5 in, P2..P6 out).</summary>
public sealed class FpnSection
{
    /// <summary>ResNet stages the lateral connections take, finest first (res2..res5).</summary>
    public List<string> InFeatures { get; set; } = ["res2", "res3", "res4", "res5"];

    /// <summary>Channels of every pyramid level.</summary>
    public int OutChannels { get; set; } = 256;

    /// <summary>Norm in the lateral and output convolutions: None (with bias, detectron2's default), BN or GN (MoCo's recipe: BN).</summary>
    public NormKind Norm { get; set; } = NormKind.None;

    /// <summary>Extra levels above the last lateral one: MaxPool (P6, R-CNN), P6P7 (RetinaNet) or None.</summary>
    public FpnTopBlock TopBlock { get; set; } = FpnTopBlock.MaxPool;

    /// <summary>The Core settings of this pyramid.</summary>
    public FpnConfig ToFpnConfig() => new() { InFeatures = [.. InFeatures], OutChannels = OutChannels, Norm = Norm, TopBlock = TopBlock };

    /// <summary>The pyramid's outputs by name (p2, p3, ...), finest first, with their stride; throws naming a bad fpn setting.</summary>
    public IReadOnlyList<(string Name, int Stride)> Levels()
    {
        if (InFeatures.Count == 0) throw new DuprException("fpn.in_features is empty");
        var levels = new List<(string, int)>();
        int previous = 0;
        foreach (string feature in InFeatures)
        {
            // ResNet stage resN has stride 2^N.
            if (feature is not ("res2" or "res3" or "res4" or "res5"))
                throw new DuprException($"fpn.in_features: '{feature}' is not a ResNet stage; valid: res2, res3, res4, res5");
            int level = feature[^1] - '0';
            if (level <= previous) throw new DuprException($"fpn.in_features must be distinct stages, finest first; got [{string.Join(", ", InFeatures)}]");
            levels.Add(($"p{level}", 1 << level));
            previous = level;
        }
        int extra = TopBlock switch { FpnTopBlock.MaxPool => 1, FpnTopBlock.P6P7 => 2, _ => 0 };
        for (int i = 1; i <= extra; i++) levels.Add(($"p{previous + i}", 1 << (previous + i)));
        return levels;
    }

    /// <summary>Throws <see cref="DuprException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Levels();
        if (OutChannels < 1) throw new DuprException($"fpn.out_channels must be positive, got {OutChannels}");
        if (Norm == NormKind.FrozenBN) throw new DuprException("fpn.norm must be None, BN, SyncBN or GN: a new FPN has no statistics to freeze");
        if (Norm == NormKind.GN && OutChannels % Norms.GroupNormGroups != 0)
            throw new DuprException($"fpn.norm GN needs fpn.out_channels divisible by {Norms.GroupNormGroups}, got {OutChannels}");
    }
}
