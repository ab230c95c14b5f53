namespace Dupr.Detection.Masks;

/// <summary>An axis-aligned box in COCO's [x, y, width, height] form (pixels, origin at the top-left corner).</summary>
public readonly record struct BoxXywh(double X, double Y, double W, double H)
{
    /// <summary>Width times height, as pycocotools' loadRes computes a box result's area.</summary>
    public double Area => W * H;
}
