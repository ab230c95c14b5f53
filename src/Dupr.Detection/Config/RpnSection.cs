using Dupr.Core.Config;

namespace Dupr.Detection.Config;

/// <summary>Region proposal network settings (detectron2's MODEL.RPN); defaults are detectron2's, whose top-k values are the C4 ones.</summary>
public sealed class RpnSection
{
    /// <summary>Feature maps the RPN runs on (C4: res4; FPN: p2..p6).</summary>
    public List<string> InFeatures { get; set; } = ["res4"];

    /// <summary>IoU bounds between the anchor labels below.</summary>
    [ConfigRange(Min = 0, Max = 1)]
    public List<double> IouThresholds { get; set; } = [0.3, 0.7];

    /// <summary>Anchor label per IoU band: 0 background, -1 ignored, 1 foreground.</summary>
    [ConfigRange(Min = -1, Max = 1)]
    public List<long> IouLabels { get; set; } = [0, -1, 1];

    /// <summary>Anchors sampled per image for the losses.</summary>
    [ConfigRange(Min = 1)]
    public int BatchSizePerImage { get; set; } = 256;

    /// <summary>Largest foreground share of the sampled anchors.</summary>
    [ConfigRange(Min = 0, Max = 1)]
    public double PositiveFraction { get; set; } = 0.5;

    /// <summary>Smooth L1 beta of loss_rpn_loc (detectron2's RPN.SMOOTH_L1_BETA; 0 = L1, torchvision uses 1/9).</summary>
    [ConfigRange(Min = 0)]
    public double SmoothL1Beta { get; set; }

    /// <summary>Box coder weights (wx, wy, ww, wh) of the anchor deltas.</summary>
    [ConfigRange(Min = 0, MinExclusive = true)]
    public List<double> BboxRegWeights { get; set; } = [1, 1, 1, 1];

    /// <summary>Proposals kept per level (per image) before NMS in training.</summary>
    [ConfigRange(Min = 1)]
    public int PreNmsTopkTrain { get; set; } = 12000;

    /// <summary>Proposals kept per level (per image) before NMS at test time.</summary>
    [ConfigRange(Min = 1)]
    public int PreNmsTopkTest { get; set; } = 6000;

    /// <summary>Proposals kept per image after NMS in training.</summary>
    [ConfigRange(Min = 1)]
    public int PostNmsTopkTrain { get; set; } = 2000;

    /// <summary>Proposals kept per image after NMS at test time.</summary>
    [ConfigRange(Min = 1)]
    public int PostNmsTopkTest { get; set; } = 1000;

    /// <summary>IoU above which NMS drops a lower-scoring proposal of the same level.</summary>
    [ConfigRange(Min = 0, Max = 1)]
    public double NmsThresh { get; set; } = 0.7;
}
