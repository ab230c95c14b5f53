using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dupr.Core.Ops;

/// <summary>
/// Greedy non-maximum suppression over host arrays, with torchvision's CPU kernel's arithmetic and
/// order: boxes sorted by decreasing score (ties by index), IoU computed in the boxes' precision as
/// inter / ((area_i + area_j) - inter), suppression when IoU &gt; threshold.
/// </summary>
/// <remarks>
/// The boxes are copied in sorted order into separate coordinate arrays, so each kept box tests all
/// later boxes a SIMD vector at a time (IEEE min, max, multiply and divide give the same results as
/// torchvision's scalar code) and ORs the verdicts into a suppression mask. An optional group per box
/// limits suppression to boxes of the same group (per-class or per-level NMS).
/// </remarks>
internal static class NmsKernel
{
    /// <summary>
    /// Kept indices in decreasing score order. <paramref name="boxes"/> holds (x1, y1, x2, y2) rows, in the
    /// precision the IoU is computed in; <paramref name="scores"/> only order the boxes;
    /// <paramref name="groups"/>, if given, holds small non-negative group ids.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot on every call: skip the slow first JIT tier
    public static long[] Run<T>(T[] boxes, double[] scores, int[]? groups, double iouThreshold)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int n = scores.Length;
        if (n == 0) return [];
        int[] order = DescendingOrder(scores);

        // Padded to whole vectors; padding lanes are never kept, so their verdicts do not matter.
        int lanes = Vector<T>.Count, padded = (n + lanes - 1) / lanes * lanes;
        T[] x1 = new T[padded], y1 = new T[padded], x2 = new T[padded], y2 = new T[padded], area = new T[padded], group = new T[padded];
        for (int s = 0; s < n; s++)
        {
            int i = order[s];
            x1[s] = boxes[4 * i];
            y1[s] = boxes[4 * i + 1];
            x2[s] = boxes[4 * i + 2];
            y2[s] = boxes[4 * i + 3];
            area[s] = (x2[s] - x1[s]) * (y2[s] - y1[s]);
            group[s] = groups is null ? T.Zero : T.CreateChecked(groups[i]);
        }

        // A lane's verdict is all ones (a NaN bit pattern) once suppressed, zero before.
        var suppressed = new T[padded];
        var threshold = new Vector<T>(ThresholdBelow<T>(iouThreshold));
        var zero = Vector<T>.Zero;
        var keep = new List<long>();
        for (int s = 0; s < n; s++)
        {
            if (T.IsNaN(suppressed[s])) continue;
            keep.Add(order[s]);
            Vector<T> ix1 = new(x1[s]), iy1 = new(y1[s]), ix2 = new(x2[s]), iy2 = new(y2[s]), iarea = new(area[s]), igroup = new(group[s]);
            for (int j = s + 1; j < n; j += lanes)
            {
                if (j + lanes > padded) j = padded - lanes;   // last partial vector: step back, re-testing is harmless
                nuint at = (nuint)j;
                var w = Vector.Max(zero, Vector.Min(ix2, Load(x2, at)) - Vector.Max(ix1, Load(x1, at)));
                var h = Vector.Max(zero, Vector.Min(iy2, Load(y2, at)) - Vector.Max(iy1, Load(y1, at)));
                var inter = w * h;
                var iou = inter / (iarea + Load(area, at) - inter);
                var verdict = Vector.GreaterThan(iou, threshold);
                if (groups is not null) verdict &= Vector.Equals(igroup, Load(group, at));
                Vector.StoreUnsafe(Load(suppressed, at) | verdict, ref MemoryMarshal.GetArrayDataReference(suppressed), at);
            }
        }
        return keep.ToArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<T> Load<T>(T[] values, nuint at) where T : unmanaged => Vector.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(values), at);

    /// <summary>Positions sorted by decreasing score, equal scores by increasing position, NaN first (torch's sort order).</summary>
    static int[] DescendingOrder(double[] scores)
    {
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            double sa = scores[a], sb = scores[b];
            bool na = double.IsNaN(sa), nb = double.IsNaN(sb);
            if (na != nb) return na ? -1 : 1;
            if (!na && sa != sb) return sa > sb ? -1 : 1;
            return a.CompareTo(b);
        });
        return order;
    }

    /// <summary>
    /// The largest <typeparamref name="T"/> not above <paramref name="threshold"/>: for a <typeparamref name="T"/> IoU,
    /// iou &gt; threshold (torchvision compares in double) exactly when iou &gt; this value.
    /// </summary>
    static T ThresholdBelow<T>(double threshold) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T t = T.CreateChecked(threshold);
        return double.CreateChecked(t) > threshold ? T.BitDecrement(t) : t;
    }
}
