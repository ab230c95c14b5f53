namespace Dupr.Pretrain.Geometry;

/// <summary>An axis-aligned box x1, y1, x2, y2 (pixels, x right, y down).</summary>
public readonly record struct Box(double X1, double Y1, double X2, double Y2)
{
    public double Width => X2 - X1;
    public double Height => Y2 - Y1;

    /// <summary>True when the box has positive width and height.</summary>
    public bool IsNonEmpty => X2 > X1 && Y2 > Y1;
}
