using System.Numerics;
using System.Runtime.CompilerServices;

namespace Dupr.Core.Ops;

/// <summary>
/// One axis of RoIAlign's bilinear sampling for a batch of boxes: for every box and output bin, the
/// contiguous run of input rows (or columns) that the bin's samples read and the weights of those
/// rows, summed over the bin's samples and divided by their number.
/// </summary>
/// <remarks>
/// RoIAlign is separable: a sample at (y, x) reads four pixels with weights hy*hx, hy*lx, ly*hx, ly*lx,
/// and torchvision drops a sample when y or x is out of range, which is a product of a y-only and an
/// x-only condition. So out[p, q] = sum_y sum_x Wy[p, y] * F[y, x] * Wx[q, x], with Wy holding the
/// 1-D weights of bin p's sample rows divided by the row count of the grid (and Wx likewise), since
/// torchvision's count is grid_h * grid_w. The arithmetic below follows torchvision's CPU kernel
/// (roi_align_common.h) step by step, in the input's precision, so the sample positions match.
/// </remarks>
internal sealed class AxisTaps<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    AxisTaps(int bins, int[] start, int[] length, int[] offset, T[] weights)
    {
        Bins = bins;
        Start = start;
        Length = length;
        Offset = offset;
        Weights = weights;
    }

    /// <summary>Output bins along this axis (pooled height or width).</summary>
    public int Bins { get; }

    /// <summary>First input index read by bin <c>box * Bins + bin</c>.</summary>
    public int[] Start { get; }

    /// <summary>How many consecutive input indices the bin reads (0: all its samples fall outside).</summary>
    public int[] Length { get; }

    /// <summary>Where the bin's weights begin in <see cref="Weights"/>.</summary>
    public int[] Offset { get; }

    /// <summary>The weights of every bin, back to back.</summary>
    public T[] Weights { get; }

    /// <summary>Number of boxes.</summary>
    public int Boxes => Start.Length / Bins;

    /// <summary>
    /// Computes the taps of one axis. <paramref name="rois"/> holds rows (batch, x1, y1, x2, y2);
    /// <paramref name="lowColumn"/> is 1 for x (columns) or 2 for y (rows); <paramref name="extent"/> is the
    /// feature map's width or height.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot on every call: skip the slow first JIT tier
    public static AxisTaps<T> Build(T[] rois, int lowColumn, int extent, int bins, double spatialScale, int samplingRatio, bool aligned)
    {
        int boxes = rois.Length / 5;
        var start = new int[boxes * bins];
        var length = new int[boxes * bins];
        var offset = new int[boxes * bins];
        var weights = new T[Math.Max(16, boxes * bins * 4)];
        int used = 0;
        var dense = new T[extent];

        // torchvision converts the scale to the kernel's type before use.
        T scale = T.CreateChecked(spatialScale);
        T shift = aligned ? T.CreateChecked(0.5) : T.Zero;
        T binsT = T.CreateChecked(bins);
        T extentT = T.CreateChecked(extent);
        T minusOne = -T.One;

        for (int box = 0; box < boxes; box++)
        {
            T roiStart = rois[box * 5 + lowColumn] * scale - shift;
            T roiEnd = rois[box * 5 + lowColumn + 2] * scale - shift;
            T size = roiEnd - roiStart;
            if (!aligned) size = T.Max(size, T.One);   // malformed boxes become 1 pixel wide
            T binSize = size / binsT;
            int grid = samplingRatio > 0 ? samplingRatio : int.CreateSaturating(T.Ceiling(size / binsT));
            T gridT = T.CreateChecked(grid);

            for (int bin = 0; bin < bins; bin++)
            {
                int lo = int.MaxValue, hi = -1;
                for (int i = 0; i < grid; i++)
                {
                    T pos = roiStart + T.CreateChecked(bin) * binSize + T.CreateChecked(i + 0.5f) * binSize / gridT;
                    // Written as !(in range) like torchvision, so NaN positions are dropped too.
                    if (!(pos >= minusOne && pos <= extentT)) continue;
                    if (pos <= T.Zero) pos = T.Zero;
                    int low = int.CreateTruncating(pos), high;
                    if (low >= extent - 1)
                    {
                        low = high = extent - 1;
                        pos = T.CreateChecked(low);
                    }
                    else high = low + 1;
                    T l = pos - T.CreateChecked(low);
                    dense[low] += T.One - l;
                    dense[high] += l;
                    lo = Math.Min(lo, low);
                    hi = Math.Max(hi, high);
                }

                int index = box * bins + bin;
                offset[index] = used;
                if (hi < lo) continue;
                start[index] = lo;
                length[index] = hi - lo + 1;
                if (used + length[index] > weights.Length)
                {
                    var grown = weights;
                    Array.Resize(ref grown, Math.Max(weights.Length * 2, used + length[index]));
                    weights = grown;
                }
                for (int j = lo; j <= hi; j++)
                {
                    weights[used++] = dense[j] / gridT;
                    dense[j] = T.Zero;
                }
            }
        }
        Array.Resize(ref weights, used);
        return new AxisTaps<T>(bins, start, length, offset, weights);
    }

    /// <summary>The smallest index range [Lo, Hi] covering every bin of <paramref name="box"/>; Hi &lt; Lo when the box reads nothing.</summary>
    public (int Lo, int Hi) Window(int box)
    {
        int lo = int.MaxValue, hi = -1;
        for (int index = box * Bins; index < (box + 1) * Bins; index++)
        {
            if (Length[index] == 0) continue;
            lo = Math.Min(lo, Start[index]);
            hi = Math.Max(hi, Start[index] + Length[index] - 1);
        }
        return hi < lo ? (0, -1) : (lo, hi);
    }

    /// <summary>
    /// The distinct indices each box reads, ascending (box k's are <c>Indices[BoxOffset[k]..BoxOffset[k+1]]</c>),
    /// and for every bin the position of its first index in its box's list. A bin's indices are
    /// consecutive, so they occupy consecutive positions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (int[] BoxOffset, int[] Indices, int[] BinSlot) DistinctIndices()
    {
        var boxOffset = new int[Boxes + 1];
        var indices = new List<int>(Boxes * 8);
        var binSlot = new int[Start.Length];
        for (int box = 0; box < Boxes; box++)
        {
            boxOffset[box] = indices.Count;
            var (lo, hi) = Window(box);
            // slot[j]: position of index lo + j in the box's list, or -1 if no bin reads it.
            var slot = new int[Math.Max(0, hi - lo + 1)];
            Array.Fill(slot, -1);
            for (int index = box * Bins; index < (box + 1) * Bins; index++)
                for (int j = 0; j < Length[index]; j++) slot[Start[index] - lo + j] = 0;
            for (int j = 0; j < slot.Length; j++)
            {
                if (slot[j] < 0) continue;
                slot[j] = indices.Count - boxOffset[box];
                indices.Add(lo + j);
            }
            for (int index = box * Bins; index < (box + 1) * Bins; index++)
                if (Length[index] > 0) binSlot[index] = slot[Start[index] - lo];
        }
        boxOffset[Boxes] = indices.Count;
        return (boxOffset, indices.ToArray(), binSlot);
    }
}
