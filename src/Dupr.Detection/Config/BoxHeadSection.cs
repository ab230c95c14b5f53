using Dupr.Core.Modeling;
using Dupr.Core.Runtime;

namespace Dupr.Detection.Config;

/// <summary>
/// The FPN detectors' box head (detectron2's FastRCNNConvFCHead, MODEL.ROI_BOX_HEAD): convs, then fully connected layers,
/// on the RoIAlign of roi_heads.pooler_*. Defaults are detectron2's 2fc head (2 x 1024, no conv).
/// </summary>
public sealed class BoxHeadSection
{
    /// <summary>3x3 convolutions (+ norm, ReLU) before the fully connected layers.</summary>
    public int NumConv { get; set; }

    /// <summary>Channels of those convolutions.</summary>
    public int ConvDim { get; set; } = 256;

    /// <summary>Fully connected layers (+ ReLU).</summary>
    public int NumFc { get; set; } = 2;

    /// <summary>Width of the fully connected layers.</summary>
    public int FcDim { get; set; } = 1024;

    /// <summary>Norm after each convolution: None (with bias), BN or GN.</summary>
    public NormKind Norm { get; set; } = NormKind.None;

    /// <summary>Throws <see cref="DuprException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (NumConv < 0 || NumFc < 0) throw new DuprException($"box_head.num_conv and box_head.num_fc must not be negative, got {NumConv} and {NumFc}");
        if (NumConv > 0 && ConvDim < 1) throw new DuprException($"box_head.conv_dim must be positive, got {ConvDim}");
        if (NumFc > 0 && FcDim < 1) throw new DuprException($"box_head.fc_dim must be positive, got {FcDim}");
        if (Norm == NormKind.FrozenBN) throw new DuprException("box_head.norm must be None, BN, SyncBN or GN: a new head has no statistics to freeze");
        if (NumConv > 0 && Norm == NormKind.GN && ConvDim % Norms.GroupNormGroups != 0)
            throw new DuprException($"box_head.norm GN needs box_head.conv_dim divisible by {Norms.GroupNormGroups}, got {ConvDim}");
    }
}
