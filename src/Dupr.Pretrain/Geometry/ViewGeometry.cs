namespace Dupr.Pretrain.Geometry;

/// <summary>The geometry of patch Re-ID (paper eq. 3-4): the two views' intersection, mapped into each view.</summary>
public static class ViewGeometry
{
    /// <summary>The intersection B of the two crop boxes in original-image coordinates (eq. 4); null when they do not overlap.</summary>
    public static Box? Intersection(Box r1, Box r2)
    {
        var b = new Box(Math.Max(r1.X1, r2.X1), Math.Max(r1.Y1, r2.Y1), Math.Min(r1.X2, r2.X2), Math.Min(r1.Y2, r2.Y2));
        return b.IsNonEmpty ? b : null;
    }

    /// <summary>
    /// T_i(B): the box in the view's pixel coordinates. A flipped view mirrors x, so the returned box's
    /// left edge is the image of B's right edge: pooling it left to right visits B right to left, and
    /// its region features must be flipped back (see <see cref="Dupr.Pretrain.Model.DuprEncoder.PatchEmbedding"/>).
    /// </summary>
    public static Box ToView(Box b, ViewFrame view)
    {
        double sx = view.Width / view.Crop.Width, sy = view.Height / view.Crop.Height;
        double x1 = (b.X1 - view.Crop.X1) * sx, x2 = (b.X2 - view.Crop.X1) * sx;
        double y1 = (b.Y1 - view.Crop.Y1) * sy, y2 = (b.Y2 - view.Crop.Y1) * sy;
        return view.Flipped ? new Box(view.Width - x2, y1, view.Width - x1, y2) : new Box(x1, y1, x2, y2);
    }
}
