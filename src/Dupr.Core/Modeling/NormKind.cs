namespace Dupr.Core.Modeling;

/// <summary>The normalisation layer after a convolution (detectron2's NORM values).</summary>
public enum NormKind
{
    /// <summary>No normalisation: the convolution gets a bias instead (FPN only).</summary>
    None,

    /// <summary>Batch norm with batch statistics in training, each process over its own images (per-GPU BN).</summary>
    BN,

    /// <summary>
    /// Synchronized batch norm: in training, statistics over the images of every rank of an MPI run (the paper's "we train
    /// and synchronize all batch normalization layers"); plain BN in a single process.
    /// </summary>
    SyncBN,

    /// <summary>Batch norm with fixed statistics and affine parameters.</summary>
    FrozenBN,

    /// <summary>Group norm with 32 groups.</summary>
    GN,
}
