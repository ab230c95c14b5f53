namespace Dupr.Pretrain.Geometry;

/// <summary>Where a view came from: its crop box in the original image, its output size, and whether it was flipped.</summary>
public readonly record struct ViewFrame(Box Crop, int Width, int Height, bool Flipped);
