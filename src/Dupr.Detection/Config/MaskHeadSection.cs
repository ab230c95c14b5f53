using Dupr.Core.Config;
using Dupr.Core.Modeling;
using Dupr.Core.Runtime;

namespace Dupr.Detection.Config;

/// <summary>
/// The Mask R-CNN mask head (detectron2's MaskRCNNConvUpsampleHead, MODEL.ROI_MASK_HEAD): convs, a 2x2 stride-2
/// deconvolution and a 1x1 predictor per class. Defaults are detectron2's FPN values (4 convs of 256 on a 14x14 RoIAlign:
/// 28x28 masks); the C4 head takes the box head's res5 features instead (recipes set num_conv 0 there: 14x14 masks).
/// </summary>
public sealed class MaskHeadSection
{
    /// <summary>3x3 convolutions (+ norm, ReLU) before the deconvolution (FPN: 4; C4: 0).</summary>
    public int NumConv { get; set; } = 4;

    /// <summary>Channels of the convolutions and of the deconvolution.</summary>
    public int ConvDim { get; set; } = 256;

    /// <summary>Norm after each convolution: None (with bias), BN or GN.</summary>
    public NormKind Norm { get; set; } = NormKind.None;

    /// <summary>One mask for every class instead of one per class (detectron2's CLS_AGNOSTIC_MASK).</summary>
    public bool ClassAgnostic { get; set; }

    /// <summary>RoIAlign output size of the FPN mask head (its masks are twice this); C4 uses roi_heads.pooler_resolution.</summary>
    public int PoolerResolution { get; set; } = 14;

    /// <summary>RoIAlign samples per bin and axis (0: adaptive); FPN only.</summary>
    [ConfigRange(Min = 0)]
    public int PoolerSamplingRatio { get; set; }

    /// <summary>RoIAlign's half-pixel shift (detectron2's ROIAlignV2); FPN only.</summary>
    public bool PoolerAligned { get; set; } = true;

    /// <summary>Throws <see cref="DuprException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (NumConv < 0) throw new DuprException($"mask_head.num_conv must not be negative, got {NumConv}");
        if (ConvDim < 1) throw new DuprException($"mask_head.conv_dim must be positive, got {ConvDim}");
        if (PoolerResolution < 1) throw new DuprException($"mask_head.pooler_resolution must be positive, got {PoolerResolution}");
        if (Norm == NormKind.FrozenBN) throw new DuprException("mask_head.norm must be None, BN, SyncBN or GN: a new head has no statistics to freeze");
        if (NumConv > 0 && Norm == NormKind.GN && ConvDim % Norms.GroupNormGroups != 0)
            throw new DuprException($"mask_head.norm GN needs mask_head.conv_dim divisible by {Norms.GroupNormGroups}, got {ConvDim}");
    }
}
