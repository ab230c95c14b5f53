using Dupr.Core.Config;
using Dupr.Core.Modeling;

namespace Dupr.Detection.Config;

/// <summary>Second-stage box head settings (detectron2's MODEL.ROI_HEADS and ROI_BOX_HEAD); defaults are detectron2's C4 values.</summary>
public sealed class RoiHeadsSection
{
    /// <summary>Object classes (background excluded).</summary>
    public int NumClasses { get; set; } = 80;

    /// <summary>Feature maps the boxes are pooled from (C4: res4).</summary>
    public List<string> InFeatures { get; set; } = ["res4"];

    /// <summary>Proposals sampled per image for the losses.</summary>
    [ConfigRange(Min = 1)]
    public int BatchSizePerImage { get; set; } = 512;

    /// <summary>Largest foreground share of the sampled proposals.</summary>
    [ConfigRange(Min = 0, Max = 1)]
    public double PositiveFraction { get; set; } = 0.25;

    /// <summary>IoU at or above which a proposal is foreground.</summary>
    [ConfigRange(Min = 0, Max = 1)]
    public double IouThreshold { get; set; } = 0.5;

    /// <summary>Ground-truth boxes join the proposals in training (detectron2's PROPOSAL_APPEND_GT).</summary>
    public bool ProposalAppendGt { get; set; } = true;

    /// <summary>Weight of loss_box_reg (detectron2's ROI_BOX_HEAD.BBOX_REG_LOSS_WEIGHT); 0 turns box regression off, as the regression gate's planted fault does.</summary>
    [ConfigRange(Min = 0)]
    public double BoxRegLossWeight { get; set; } = 1.0;

    /// <summary>Smooth L1 beta of loss_box_reg (detectron2's ROI_BOX_HEAD.SMOOTH_L1_BETA; 0 = L1, torchvision uses 1/9).</summary>
    [ConfigRange(Min = 0)]
    public double SmoothL1Beta { get; set; }

    /// <summary>Box coder weights (wx, wy, ww, wh) of the class-specific box deltas.</summary>
    [ConfigRange(Min = 0, MinExclusive = true)]
    public List<double> BboxRegWeights { get; set; } = [10, 10, 5, 5];

    /// <summary>RoIAlign output size (C4: 14, halved by res5's stride to 7).</summary>
    [ConfigRange(Min = 1)]
    public int PoolerResolution { get; set; } = 14;

    /// <summary>RoIAlign samples per bin and axis (0: adaptive).</summary>
    [ConfigRange(Min = 0)]
    public int PoolerSamplingRatio { get; set; }

    /// <summary>RoIAlign's half-pixel shift (detectron2's ROIAlignV2).</summary>
    public bool PoolerAligned { get; set; } = true;

    /// <summary>Norm appended after the C4 res5 head (MoCo's Res5ROIHeadsExtraNorm: BN; None: detectron2's plain Res5ROIHeads).</summary>
    public NormKind Res5ExtraNorm { get; set; } = NormKind.BN;

    /// <summary>Detections scoring at or below this are dropped at test time.</summary>
    [ConfigRange(Min = 0, Max = 1)]
    public double ScoreThreshTest { get; set; } = 0.05;

    /// <summary>IoU above which per-class NMS drops a lower-scoring detection at test time.</summary>
    [ConfigRange(Min = 0, Max = 1)]
    public double NmsThreshTest { get; set; } = 0.5;

    /// <summary>Detections kept per image at test time.</summary>
    [ConfigRange(Min = 1)]
    public int DetectionsPerImage { get; set; } = 100;
}
