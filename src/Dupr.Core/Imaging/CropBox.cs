namespace Dupr.Core.Imaging;

/// <summary>An axis-aligned integer pixel window of an image: columns [Left, Left + Width), rows [Top, Top + Height).</summary>
public readonly record struct CropBox(int Left, int Top, int Width, int Height)
{
    /// <summary>Left edge, in pixel-edge coordinates (pixel i spans [i, i + 1)).</summary>
    public int X1 => Left;

    /// <summary>Top edge.</summary>
    public int Y1 => Top;

    /// <summary>Right edge (exclusive).</summary>
    public int X2 => Left + Width;

    /// <summary>Bottom edge (exclusive).</summary>
    public int Y2 => Top + Height;
}
