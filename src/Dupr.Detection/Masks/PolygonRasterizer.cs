namespace Dupr.Detection.Masks;

/// <summary>
/// Polygon and box rasterisation into RLE exactly as cocoapi's maskApi.c rleFrPoly/rleFrBbox do it: the outline
/// is upsampled 5x, walked densely, and a pixel is inside where its centre lies below a crossing of the outline.
/// </summary>
public static class PolygonRasterizer
{
    const double Scale = 5;

    /// <summary>Rasterises the polygon (x0, y0, x1, y1, ...) into a <paramref name="height"/> x <paramref name="width"/> mask; an odd trailing value is ignored.</summary>
    public static Rle FromPolygon(ReadOnlySpan<double> xy, int height, int width)
    {
        int k = xy.Length / 2;
        if (k == 0) return new Rle(height, width, [unchecked((uint)((long)height * width))]);
        // Upsample and get discrete points densely along the entire boundary.
        var x = new int[k + 1];
        var y = new int[k + 1];
        for (int j = 0; j < k; j++) x[j] = (int)(Scale * xy[j * 2] + .5);
        x[k] = x[0];
        for (int j = 0; j < k; j++) y[j] = (int)(Scale * xy[j * 2 + 1] + .5);
        y[k] = y[0];
        long total = 0;
        for (int j = 0; j < k; j++) total += Math.Max(Math.Abs(x[j] - x[j + 1]), Math.Abs(y[j] - y[j + 1])) + 1;
        var u = new int[total];
        var v = new int[total];
        int m = 0;
        for (int j = 0; j < k; j++)
        {
            int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
            int dx = Math.Abs(xe - xs), dy = Math.Abs(ys - ye);
            bool flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) { (xs, xe) = (xe, xs); (ys, ye) = (ye, ys); }
            double s = dx >= dy ? (double)(ye - ys) / dx : (double)(xe - xs) / dy;
            if (dx >= dy)
                for (int d = 0; d <= dx; d++)
                {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int)(ys + s * t + .5);
                    m++;
                }
            else
                for (int d = 0; d <= dy; d++)
                {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int)(xs + s * t + .5);
                    m++;
                }
        }
        // Get points along the y-boundary and downsample.
        int pointCount = m;
        m = 0;
        var bx = new int[pointCount];
        var by = new int[pointCount];
        // maskApi.c compares against the unsigned w-1 and h (siz), so w = 0 never rejects a column.
        double lastColumn = unchecked((ulong)(uint)width - 1UL);
        for (int j = 1; j < pointCount; j++)
        {
            if (u[j] == u[j - 1]) continue;
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / Scale - .5;
            if (Math.Floor(xd) != xd || xd < 0 || xd > lastColumn) continue;
            double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
            yd = (yd + .5) / Scale - .5;
            if (yd < 0) yd = 0;
            else if (yd > height) yd = height;
            yd = Math.Ceiling(yd);
            bx[m] = (int)xd;
            by[m] = (int)yd;
            m++;
        }
        // Compute the RLE given the y-boundary points: sorted pixel indices, differenced, zero runs merged.
        int n = m;
        var a = new uint[n + 1];
        for (int j = 0; j < n; j++) a[j] = unchecked((uint)(bx[j] * height + by[j]));
        a[n++] = unchecked((uint)((long)height * width));
        Array.Sort(a);
        uint previous = 0;
        for (int j = 0; j < n; j++)
        {
            uint t = a[j];
            a[j] -= previous;
            previous = t;
        }
        var b = new uint[n];
        int i = 0;
        m = 0;
        b[m++] = a[i++];
        while (i < n)
        {
            if (a[i] > 0) b[m++] = a[i++];
            else
            {
                i++;
                if (i < n) b[m - 1] += a[i++];
            }
        }
        return new Rle(height, width, b[..m]);
    }

    /// <summary>Rasterises the box [x, y, w, h] as the polygon of its corners (maskApi.c rleFrBbox).</summary>
    public static Rle FromBox(double x, double y, double w, double h, int height, int width)
    {
        double xe = x + w, ye = y + h;
        return FromPolygon([x, y, x, ye, xe, ye, xe, y], height, width);
    }
}
