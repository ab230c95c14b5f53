using Dupr.Core.Runtime;

namespace Dupr.Core.Modeling;

/// <summary>Settings of a <see cref="ResNet"/>; defaults are detectron2's R-50 (FrozenBN, freeze_at 2) with all four stages out.</summary>
public sealed record ResNetConfig
{
    /// <summary>18, 34 (basic blocks), 50, 101 or 152 (bottlenecks).</summary>
    public int Depth { get; init; } = 50;

    /// <summary>Norm after every convolution: BN, SyncBN, FrozenBN or GN.</summary>
    public NormKind Norm { get; init; } = NormKind.FrozenBN;

    /// <summary>Stages frozen from the input on: 0 none, 1 the stem, 2 stem and res2, ... 5 everything (detectron2's FREEZE_AT).</summary>
    public int FreezeAt { get; init; } = 2;

    /// <summary>Features forward returns: any of stem, res2..res5 and (with <see cref="NumClasses"/>) fc.</summary>
    public List<string> OutFeatures { get; init; } = ["res2", "res3", "res4", "res5"];

    /// <summary>Build no stage past the deepest of <see cref="OutFeatures"/> (detectron2's ResNet; the C4 detector's res5 lives in its box head).</summary>
    public bool OnlyUpToOutFeatures { get; init; }

    /// <summary>Classes of the fc head (null: no head), so the module can also hold a classifier checkpoint.</summary>
    public int? NumClasses { get; init; }

    /// <summary>Channels of the stem and of res2's bottleneck (64 in every standard ResNet; smaller values make tiny test models).</summary>
    public int Width { get; init; } = 64;

    /// <summary>The block type and per-stage block counts of each supported depth.</summary>
    public static IReadOnlyDictionary<int, (BlockKind Block, int[] Blocks)> Layouts { get; } = new Dictionary<int, (BlockKind, int[])>
    {
        [18] = (BlockKind.Basic, [2, 2, 2, 2]),
        [34] = (BlockKind.Basic, [3, 4, 6, 3]),
        [50] = (BlockKind.Bottleneck, [3, 4, 6, 3]),
        [101] = (BlockKind.Bottleneck, [3, 4, 23, 3]),
        [152] = (BlockKind.Bottleneck, [3, 8, 36, 3]),
    };

    /// <summary>Throws <see cref="DuprException"/> naming the first invalid setting and the valid values.</summary>
    public void Validate()
    {
        if (!Layouts.ContainsKey(Depth))
            throw new DuprException($"resnet depth {Depth} is not supported; valid: {string.Join(", ", Layouts.Keys)}");
        if (Norm == NormKind.None)
            throw new DuprException("resnet norm must be BN, SyncBN, FrozenBN or GN");
        if (FreezeAt < 0 || FreezeAt > ResNet.StageNames.Count)
            throw new DuprException($"resnet freeze_at must be 0..{ResNet.StageNames.Count}, got {FreezeAt}");
        if (Width <= 0)
            throw new DuprException($"resnet width must be positive, got {Width}");
        if (NumClasses is <= 0)
            throw new DuprException($"resnet num_classes must be positive or null, got {NumClasses}");
        if (OutFeatures.Count == 0)
            throw new DuprException("resnet out_features is empty");
        if (OnlyUpToOutFeatures && NumClasses is not null)
            throw new DuprException("resnet num_classes needs every stage: it cannot be combined with only_up_to_out_features");
        IReadOnlyList<string> valid = NumClasses is null ? ResNet.StageNames : [.. ResNet.StageNames, ResNet.LogitsName];
        foreach (string name in OutFeatures)
            if (!valid.Contains(name))
                throw new DuprException($"resnet out_features: unknown feature '{name}'; valid: {string.Join(", ", valid)}"
                                        + (name == ResNet.LogitsName ? " (fc needs num_classes)" : ""));
    }
}
