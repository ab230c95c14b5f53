namespace Dupr.Detection.Masks;

/// <summary>Union or intersection of RLE masks (maskApi.c rleMerge).</summary>
public static class RleMerge
{
    /// <summary>
    /// Merges <paramref name="masks"/> into one: their union, or their intersection when <paramref name="intersect"/>.
    /// No masks give an empty 0x0 mask; masks of different sizes give an empty 0x0 mask, as maskApi.c does.
    /// </summary>
    public static Rle Merge(IReadOnlyList<Rle> masks, bool intersect = false)
    {
        if (masks.Count == 0) return new Rle(0, 0, []);
        Rle first = masks[0];
        if (masks.Count == 1) return new Rle(first.Height, first.Width, (uint[])first.Counts.Clone());
        int h = first.Height, w = first.Width;
        uint[] counts = (uint[])first.Counts.Clone();
        int m = counts.Length;
        var merged = new uint[checked(h * w + 1)];
        for (int i = 1; i < masks.Count; i++)
        {
            Rle b = masks[i];
            if (b.Height != h || b.Width != w) return new Rle(0, 0, []);
            uint[] aCounts = counts;
            int aLength = m;
            uint ca = aCounts[0], cb = b.Counts[0], cc = 0, ct = 1;
            bool v = false, va = false, vb = false;
            int ia = 1, ib = 1;
            m = 0;
            while (ct > 0)
            {
                uint c = Math.Min(ca, cb);
                cc += c;
                ct = 0;
                ca -= c;
                if (ca == 0 && ia < aLength) { ca = aCounts[ia++]; va = !va; }
                ct += ca;
                cb -= c;
                if (cb == 0 && ib < b.Counts.Length) { cb = b.Counts[ib++]; vb = !vb; }
                ct += cb;
                bool vp = v;
                v = intersect ? va && vb : va || vb;
                if (v != vp || ct == 0) { merged[m++] = cc; cc = 0; }
            }
            counts = merged[..m];
        }
        return new Rle(h, w, counts);
    }
}
