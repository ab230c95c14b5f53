namespace Dupr.Core.Modeling;

/// <summary>The residual block a ResNet stage is made of.</summary>
public enum BlockKind
{
    /// <summary>Two 3x3 convolutions (ResNet-18/34), expansion 1.</summary>
    Basic,

    /// <summary>1x1, 3x3 (strided, as torchvision's v1.5), 1x1 convolutions (ResNet-50 and deeper), expansion 4.</summary>
    Bottleneck,
}
