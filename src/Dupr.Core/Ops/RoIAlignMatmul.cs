using System.Numerics;
using static TorchSharp.torch;

namespace Dupr.Core.Ops;

/// <summary>
/// RoIAlign as torch ops that autograd differentiates: gather each box's window of the channels-last
/// features, then out = Wy @ window @ Wx^T as two batched matmuls. Used where the C# kernel cannot
/// run (CUDA tensors); on the CPU the kernel is faster (see RoIAlign).
/// </summary>
internal static class RoIAlignMatmul
{
    /// <summary>Gathered window elements per batched matmul group: bounds the memory of one step.</summary>
    const long GroupElements = 1L << 26;

    /// <summary>RoIAlign of <paramref name="input"/> [N, C, H, W] over <paramref name="plan"/>: [K, C, P, Q].</summary>
    public static Tensor Forward<T>(Tensor input, RoIAlignPlan<T> plan) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var scope = NewDisposeScope();
        long channels = input.size(1);
        int height = plan.Height, width = plan.Width, boxes = plan.Boxes;
        int rowsOut = plan.PooledHeight, colsOut = plan.PooledWidth;
        if (boxes == 0) return scope.MoveToOuter(zeros([0, channels, rowsOut, colsOut], input.dtype, input.device));
        var features = input.permute(0, 2, 3, 1).reshape(-1, channels);

        var rowWindow = new (int Lo, int Hi)[boxes];
        var colWindow = new (int Lo, int Hi)[boxes];
        for (int k = 0; k < boxes; k++)
        {
            rowWindow[k] = plan.Rows.Window(k);
            colWindow[k] = plan.Cols.Window(k);
        }
        int Rows(int k) => Math.Max(1, rowWindow[k].Hi - rowWindow[k].Lo + 1);
        int Cols(int k) => Math.Max(1, colWindow[k].Hi - colWindow[k].Lo + 1);

        // Boxes sorted by window area, grouped so padding to the group's largest window at most doubles
        // the smallest box's work.
        var order = Enumerable.Range(0, boxes).OrderBy(k => (long)Rows(k) * Cols(k)).ToArray();
        var pieces = new List<Tensor>();
        for (int first = 0; first < boxes;)
        {
            int end = first, groupRows = 1, groupCols = 1;
            long smallest = (long)Rows(order[first]) * Cols(order[first]);
            while (end < boxes)
            {
                int rows = Math.Max(groupRows, Rows(order[end])), cols = Math.Max(groupCols, Cols(order[end]));
                bool tooBig = (long)(end - first + 1) * rows * cols * channels > GroupElements || (long)rows * cols > 2 * smallest;
                if (end > first && tooBig) break;
                groupRows = rows;
                groupCols = cols;
                end++;
            }
            pieces.Add(Group(features, plan, order[first..end], rowWindow, colWindow, groupRows, groupCols));
            first = end;
        }

        var inverse = new long[boxes];
        for (int i = 0; i < boxes; i++) inverse[order[i]] = i;
        var pooled = cat(pieces, 0).index_select(0, tensor(inverse, device: input.device));
        return scope.MoveToOuter(pooled.permute(0, 3, 1, 2).contiguous());
    }

    /// <summary>[g, P, Q, C] for the boxes <paramref name="members"/>, each window padded to rows x cols.</summary>
    static Tensor Group<T>(Tensor features, RoIAlignPlan<T> plan, int[] members, (int Lo, int Hi)[] rowWindow, (int Lo, int Hi)[] colWindow,
        int rows, int cols) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int g = members.Length, rowsOut = plan.PooledHeight, colsOut = plan.PooledWidth;
        long channels = features.size(1);
        var index = new long[g * rows * cols];
        var wy = new T[g * rowsOut * rows];
        var wx = new T[g * colsOut * cols];
        for (int m = 0; m < g; m++)
        {
            int k = members[m];
            long image = (long)plan.BatchIndex[k] * plan.Height * plan.Width;
            for (int i = 0; i < rows; i++)
            {
                // Padding rows and columns are clamped into the map; their weights are zero.
                long y = Math.Min(plan.Height - 1, rowWindow[k].Lo + i);
                for (int j = 0; j < cols; j++)
                    index[(m * rows + i) * cols + j] = image + y * plan.Width + Math.Min(plan.Width - 1, colWindow[k].Lo + j);
            }
            Scatter(plan.Rows, k, rowWindow[k].Lo, wy.AsSpan(m * rowsOut * rows, rowsOut * rows), rows);
            Scatter(plan.Cols, k, colWindow[k].Lo, wx.AsSpan(m * colsOut * cols, colsOut * cols), cols);
        }
        var device = features.device;
        var crops = features.index_select(0, tensor(index, device: device)).view(g, rows, cols, channels);
        var wyT = Weights(wy, features.dtype, device).view(g, rowsOut, rows);
        var wxT = Weights(wx, features.dtype, device).view(g, 1, colsOut, cols);
        var columnsPooled = wxT.matmul(crops);                                              // [g, rows, Q, C]
        return wyT.matmul(columnsPooled.view(g, rows, colsOut * channels)).view(g, rowsOut, colsOut, channels);
    }

    /// <summary>Writes box <paramref name="box"/>'s taps as a dense [bins, size] matrix over the window starting at <paramref name="lo"/>.</summary>
    static void Scatter<T>(AxisTaps<T> taps, int box, int lo, Span<T> dense, int size) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int bin = 0; bin < taps.Bins; bin++)
        {
            int index = box * taps.Bins + bin;
            for (int j = 0; j < taps.Length[index]; j++)
                dense[bin * size + taps.Start[index] - lo + j] = taps.Weights[taps.Offset[index] + j];
        }
    }

    static Tensor Weights<T>(T[] values, ScalarType dtype, Device device) where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        values switch
        {
            float[] f => tensor(f, dtype: dtype, device: device),
            double[] d => tensor(d, dtype: dtype, device: device),
            _ => throw new NotSupportedException(typeof(T).Name),
        };
}
