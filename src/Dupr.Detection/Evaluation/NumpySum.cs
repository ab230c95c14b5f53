namespace Dupr.Detection.Evaluation;

/// <summary>
/// Sums and means in NumPy's order of operations, so averages agree with pycocotools and detectron2 to the last
/// bit: np.add.reduce adds blocks of 8192 elements (the ufunc buffer size) one after another, and sums each
/// block pairwise with 8 accumulators (pairwise_sum_DOUBLE in numpy/core/src/umath/loops_utils.h).
/// </summary>
public static class NumpySum
{
    const int BufferSize = 8192;
    const int PairwiseBlock = 128;

    /// <summary>np.sum of <paramref name="values"/> (1-D, contiguous).</summary>
    public static double Sum(ReadOnlySpan<double> values)
    {
        double sum = 0;
        for (int start = 0; start < values.Length; start += BufferSize)
            sum += Pairwise(values.Slice(start, Math.Min(BufferSize, values.Length - start)));
        return sum;
    }

    /// <summary>np.mean of <paramref name="values"/>; NaN when empty, as NumPy gives.</summary>
    public static double Mean(ReadOnlySpan<double> values) => Sum(values) / values.Length;

    static double Pairwise(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double res = 0;
            for (int i = 0; i < n; i++) res += a[i];
            return res;
        }
        if (n <= PairwiseBlock)
        {
            double r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            int i = 8;
            for (; i < n - n % 8; i += 8)
            {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3];
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) res += a[i];
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return Pairwise(a[..n2]) + Pairwise(a[n2..]);
    }
}
