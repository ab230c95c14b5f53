using System.Numerics;

namespace Dupr.Core.Ops;

/// <summary>What RoIAlign computes for a batch of boxes before touching any feature: batch indices, map size and the separable sampling of both axes.</summary>
internal abstract class RoIAlignPlan
{
    protected RoIAlignPlan(int[] batchIndex, long batch, int height, int width)
    {
        BatchIndex = batchIndex;
        Batch = batch;
        Height = height;
        Width = width;
    }

    /// <summary>The image of each box.</summary>
    public int[] BatchIndex { get; }

    /// <summary>Images in the feature map (N).</summary>
    public long Batch { get; }

    /// <summary>Feature map height (H).</summary>
    public int Height { get; }

    /// <summary>Feature map width (W).</summary>
    public int Width { get; }

    /// <summary>Number of boxes (K).</summary>
    public int Boxes => BatchIndex.Length;

    /// <summary>Output height.</summary>
    public abstract int PooledHeight { get; }

    /// <summary>Output width.</summary>
    public abstract int PooledWidth { get; }
}

/// <summary>A RoIAlign plan whose weights are in the element type <typeparamref name="T"/> of the features.</summary>
internal sealed class RoIAlignPlan<T> : RoIAlignPlan where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    readonly Lazy<(int[] BoxOffset, int[] Indices, int[] BinSlot)> _columns;

    RoIAlignPlan(int[] batchIndex, long batch, int height, int width, AxisTaps<T> rows, AxisTaps<T> cols)
        : base(batchIndex, batch, height, width)
    {
        Rows = rows;
        Cols = cols;
        _columns = new Lazy<(int[], int[], int[])>(cols.DistinctIndices);
    }

    /// <summary>Sampling along y: one bin per output row.</summary>
    public AxisTaps<T> Rows { get; }

    /// <summary>Sampling along x: one bin per output column.</summary>
    public AxisTaps<T> Cols { get; }

    /// <summary>The distinct columns each box reads (see <see cref="AxisTaps{T}.DistinctIndices"/>).</summary>
    public (int[] BoxOffset, int[] Indices, int[] BinSlot) Columns => _columns.Value;

    public override int PooledHeight => Rows.Bins;

    public override int PooledWidth => Cols.Bins;

    /// <summary>
    /// Plans <paramref name="rois"/> (rows of batch index, x1, y1, x2, y2, flattened) on a
    /// <paramref name="batch"/> x C x <paramref name="height"/> x <paramref name="width"/> map.
    /// </summary>
    public static RoIAlignPlan<T> Create(T[] rois, long batch, int height, int width, (int Height, int Width) outputSize,
        double spatialScale, int samplingRatio, bool aligned)
    {
        int boxes = rois.Length / 5;
        var batchIndex = new int[boxes];
        for (int k = 0; k < boxes; k++)
        {
            for (int j = 0; j < 5; j++)
                if (!T.IsFinite(rois[k * 5 + j]))
                    throw new ArgumentException($"boxes: row {k} has a non-finite value ({rois[k * 5 + j]})", "boxes");
            T index = rois[k * 5];
            if (index < T.Zero || index >= T.CreateChecked(batch))
                throw new ArgumentException($"boxes: row {k} has batch index {index}, but the input holds {batch} image(s)", "boxes");
            batchIndex[k] = int.CreateTruncating(index);   // torchvision truncates the index to int
        }
        var rows = AxisTaps<T>.Build(rois, 2, height, outputSize.Height, spatialScale, samplingRatio, aligned);
        var cols = AxisTaps<T>.Build(rois, 1, width, outputSize.Width, spatialScale, samplingRatio, aligned);
        return new RoIAlignPlan<T>(batchIndex, batch, height, width, rows, cols);
    }
}
