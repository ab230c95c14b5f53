namespace Dupr.Core.Modeling;

/// <summary>The channel count and stride (input pixels per feature cell) of a named feature map.</summary>
public readonly record struct FeatureSpec(long Channels, int Stride);
