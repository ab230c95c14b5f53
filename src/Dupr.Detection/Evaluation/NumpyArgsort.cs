namespace Dupr.Detection.Evaluation;

/// <summary>
/// np.argsort with NumPy's default (unstable) introsort for float64, so tied scores come out in the same order
/// as in detectron2's VOC evaluator (numpy/core/src/npysort/quicksort.cpp aquicksort_ and heapsort.cpp aheapsort_).
/// </summary>
public static class NumpyArgsort
{
    const int SmallQuicksort = 15;

    /// <summary>The indices that sort <paramref name="v"/> ascending, in NumPy's order for ties.</summary>
    public static int[] Argsort(ReadOnlySpan<double> v)
    {
        var tosort = new int[v.Length];
        for (int i = 0; i < tosort.Length; i++) tosort[i] = i;
        if (v.Length > 1) Quicksort(v, tosort);
        return tosort;
    }

    // NaNs sort last, as NumPy's Tag::less does.
    static bool Less(double a, double b) => a < b || (double.IsNaN(b) && !double.IsNaN(a));

    static void Quicksort(ReadOnlySpan<double> v, int[] tosort)
    {
        int pl = 0, pr = tosort.Length - 1;
        var stack = new Stack<(int Left, int Right, int Depth)>();
        int cdepth = MostSignificantBit(tosort.Length) * 2;
        while (true)
        {
            if (cdepth < 0)
            {
                Heapsort(v, tosort, pl, pr - pl + 1);
            }
            else
            {
                while (pr - pl > SmallQuicksort)
                {
                    int pm = pl + ((pr - pl) >> 1);
                    if (Less(v[tosort[pm]], v[tosort[pl]])) Swap(tosort, pm, pl);
                    if (Less(v[tosort[pr]], v[tosort[pm]])) Swap(tosort, pr, pm);
                    if (Less(v[tosort[pm]], v[tosort[pl]])) Swap(tosort, pm, pl);
                    double vp = v[tosort[pm]];
                    int pi = pl, pj = pr - 1;
                    Swap(tosort, pm, pj);
                    while (true)
                    {
                        do ++pi; while (Less(v[tosort[pi]], vp));
                        do --pj; while (Less(vp, v[tosort[pj]]));
                        if (pi >= pj) break;
                        Swap(tosort, pi, pj);
                    }
                    int pk = pr - 1;
                    Swap(tosort, pi, pk);
                    // Push the larger partition, continue with the smaller.
                    if (pi - pl < pr - pi)
                    {
                        stack.Push((pi + 1, pr, --cdepth));
                        pr = pi - 1;
                    }
                    else
                    {
                        stack.Push((pl, pi - 1, --cdepth));
                        pl = pi + 1;
                    }
                }
                for (int pi = pl + 1; pi <= pr; ++pi)
                {
                    int vi = tosort[pi];
                    double vp = v[vi];
                    int pj = pi, pk = pi - 1;
                    while (pj > pl && Less(vp, v[tosort[pk]])) tosort[pj--] = tosort[pk--];
                    tosort[pj] = vi;
                }
            }
            if (stack.Count == 0) break;
            (pl, pr, cdepth) = stack.Pop();
        }
    }

    static void Heapsort(ReadOnlySpan<double> v, int[] tosort, int start, int n)
    {
        // 1-based heap indexing over tosort[start..start+n), as aheapsort_ does with a = tosort - 1.
        int At(int i) => tosort[start + i - 1];
        void Set(int i, int value) => tosort[start + i - 1] = value;
        int l, i, j, tmp;
        for (l = n >> 1; l > 0; --l)
        {
            tmp = At(l);
            for (i = l, j = l << 1; j <= n;)
            {
                if (j < n && Less(v[At(j)], v[At(j + 1)])) j += 1;
                if (Less(v[tmp], v[At(j)])) { Set(i, At(j)); i = j; j += j; }
                else break;
            }
            Set(i, tmp);
        }
        for (; n > 1;)
        {
            tmp = At(n);
            Set(n, At(1));
            n -= 1;
            for (i = 1, j = 2; j <= n;)
            {
                if (j < n && Less(v[At(j)], v[At(j + 1)])) j++;
                if (Less(v[tmp], v[At(j)])) { Set(i, At(j)); i = j; j += j; }
                else break;
            }
            Set(i, tmp);
        }
    }

    static int MostSignificantBit(int n)
    {
        int depth = 0;
        while ((n >>= 1) != 0) depth++;
        return depth;
    }

    static void Swap(int[] a, int i, int j) => (a[i], a[j]) = (a[j], a[i]);
}
