namespace Dupr.Core.Modeling;

/// <summary>The normalisation layer after a convolution (detectron2's NORM values).</summary>
public enum NormKind
{
    /// <summary>No normalisation: the convolution gets a bias instead (FPN only).</summary>
    None,

    /// <summary>Batch norm with batch statistics in training (SyncBN on one device).</summary>
    BN,

    /// <summary>Batch norm with fixed statistics and affine parameters.</summary>
    FrozenBN,

    /// <summary>Group norm with 32 groups.</summary>
    GN,
}
