using Dupr.Core.Imaging;

namespace Dupr.Pretrain.Tests.Data;

/// <summary>The tests' oracle of view geometry: maps points between a square view and the original image through its recorded crop box and flip.</summary>
/// <remarks>Continuous coordinates: pixel i spans [i, i + 1), so the centre of view pixel (u, v) is (u + 0.5, v + 0.5).</remarks>
internal static class ViewMapping
{
    /// <summary>The original-image point shown at view point (<paramref name="u"/>, <paramref name="v"/>) of a <paramref name="size"/>-pixel view.</summary>
    public static (double X, double Y) ToOriginal(CropBox box, bool flipped, int size, double u, double v)
    {
        double sx = (double)box.Width / size, sy = (double)box.Height / size;
        double x = flipped ? box.X2 - u * sx : box.X1 + u * sx;
        return (x, box.Y1 + v * sy);
    }

    /// <summary>The view point showing original-image point (<paramref name="x"/>, <paramref name="y"/>); outside [0, size) when the crop misses it.</summary>
    public static (double U, double V) ToView(CropBox box, bool flipped, int size, double x, double y)
    {
        double sx = (double)size / box.Width, sy = (double)size / box.Height;
        double u = flipped ? (box.X2 - x) * sx : (x - box.X1) * sx;
        return (u, (y - box.Y1) * sy);
    }
}
