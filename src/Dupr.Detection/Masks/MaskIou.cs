namespace Dupr.Detection.Masks;

/// <summary>
/// Intersection over union of detections and ground truth, boxes or RLE masks, with the COCO crowd rule: against
/// a crowd region the union is the detection's own area (maskApi.c bbIou and rleIou).
/// </summary>
public static class MaskIou
{
    /// <summary>IoU of box <paramref name="dt"/> with box <paramref name="gt"/> (maskApi.c bbIou).</summary>
    public static double Box(in BoxXywh dt, in BoxXywh gt, bool gtIsCrowd)
    {
        double w = Math.Min(dt.W + dt.X, gt.W + gt.X) - Math.Max(dt.X, gt.X);
        if (w <= 0) return 0;
        double h = Math.Min(dt.H + dt.Y, gt.H + gt.Y) - Math.Max(dt.Y, gt.Y);
        if (h <= 0) return 0;
        double da = dt.W * dt.H;
        double i = w * h;
        double u = gtIsCrowd ? da : da + gt.W * gt.H - i;
        return i / u;
    }

    /// <summary>
    /// IoU of mask <paramref name="dt"/> with mask <paramref name="gt"/> given their <see cref="Rle.ToBbox"/> boxes
    /// (maskApi.c rleIou): 0 unless the boxes overlap, -1 when the mask sizes differ.
    /// </summary>
    public static double Rle(Rle dt, in BoxXywh dtBox, Rle gt, in BoxXywh gtBox, bool gtIsCrowd)
    {
        // rleIou only walks the runs where bbIou of the masks' boxes is positive.
        if (!(Box(dtBox, gtBox, gtIsCrowd) > 0)) return 0;
        if (dt.Height != gt.Height || dt.Width != gt.Width) return -1;
        uint[] a = dt.Counts, b = gt.Counts;
        uint ca = a[0], cb = b[0], intersection = 0, union = 0, ct = 1;
        bool va = false, vb = false;
        int ia = 1, ib = 1;
        while (ct > 0)
        {
            uint c = Math.Min(ca, cb);
            if (va || vb)
            {
                union += c;
                if (va && vb) intersection += c;
            }
            ct = 0;
            ca -= c;
            if (ca == 0 && ia < a.Length) { ca = a[ia++]; va = !va; }
            ct += ca;
            cb -= c;
            if (cb == 0 && ib < b.Length) { cb = b[ib++]; vb = !vb; }
            ct += cb;
        }
        if (intersection == 0) union = 1;
        else if (gtIsCrowd) union = dt.Area();
        return (double)intersection / union;
    }

    /// <summary>IoU of mask <paramref name="dt"/> with mask <paramref name="gt"/>; see the overload taking their boxes.</summary>
    public static double Rle(Rle dt, Rle gt, bool gtIsCrowd) => Rle(dt, dt.ToBbox(), gt, gt.ToBbox(), gtIsCrowd);
}
