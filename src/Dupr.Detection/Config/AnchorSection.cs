using Dupr.Core.Config;

namespace Dupr.Detection.Config;

/// <summary>Anchor shapes (detectron2's MODEL.ANCHOR_GENERATOR); defaults are the C4 / single-level values.</summary>
public sealed class AnchorSection
{
    /// <summary>Anchor sizes in input pixels: one list for every level, or one list per level.</summary>
    [ConfigRange(Min = 0, MinExclusive = true)]
    public List<List<double>> Sizes { get; set; } = [[32, 64, 128, 256, 512]];

    /// <summary>Height / width ratios: one list for every level, or one list per level.</summary>
    [ConfigRange(Min = 0, MinExclusive = true)]
    public List<List<double>> AspectRatios { get; set; } = [[0.5, 1.0, 2.0]];

    /// <summary>Offset of the first anchor centre in units of the stride (0: detectron2's default).</summary>
    public double Offset { get; set; }
}
