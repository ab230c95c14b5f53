using Dupr.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Data;

/// <summary>A batch of two-view samples as tensors: what a pre-training step consumes.</summary>
/// <remarks>Boxes are (x1, y1, x2, y2) in original-image pixel edges; see <see cref="AugmentedView"/> for the view mapping.</remarks>
public sealed class TwoViewBatch : IBatch
{
    /// <summary>First views [B, 3, S, S], normalised.</summary>
    public Tensor Views1 { get; }

    /// <summary>Second views [B, 3, S, S].</summary>
    public Tensor Views2 { get; }

    /// <summary>Crop boxes of the first views [B, 4] float32.</summary>
    public Tensor Boxes1 { get; }

    /// <summary>Crop boxes of the second views [B, 4] float32.</summary>
    public Tensor Boxes2 { get; }

    /// <summary>Whether each first view is mirrored [B] bool.</summary>
    public Tensor Flips1 { get; }

    /// <summary>Whether each second view is mirrored [B] bool.</summary>
    public Tensor Flips2 { get; }

    /// <summary>Original image sizes [B, 2] int64 as (height, width).</summary>
    public Tensor ImageSizes { get; }

    /// <summary>Dataset indices of the images.</summary>
    public IReadOnlyList<int> Indices { get; }

    TwoViewBatch(Tensor views1, Tensor views2, Tensor boxes1, Tensor boxes2, Tensor flips1, Tensor flips2, Tensor sizes, int[] indices)
    {
        (Views1, Views2, Boxes1, Boxes2, Flips1, Flips2, ImageSizes, Indices) = (views1, views2, boxes1, boxes2, flips1, flips2, sizes, indices);
    }

    /// <summary>Number of samples.</summary>
    public int Count => Indices.Count;

    /// <summary>Stacks <paramref name="samples"/> into a batch (the loader's collate function); the inputs stay the caller's.</summary>
    public static TwoViewBatch Collate(IReadOnlyList<TwoViewSample> samples)
    {
        using var scope = NewDisposeScope();
        var batch = new TwoViewBatch(
            stack(samples.Select(s => s.First.Pixels)),
            stack(samples.Select(s => s.Second.Pixels)),
            Boxes(samples.Select(s => s.First)),
            Boxes(samples.Select(s => s.Second)),
            tensor(samples.Select(s => s.First.Flipped).ToArray()),
            tensor(samples.Select(s => s.Second.Flipped).ToArray()),
            tensor(samples.SelectMany(s => new long[] { s.Height, s.Width }).ToArray()).view(-1, 2),
            samples.Select(s => s.Index).ToArray());
        scope.MoveToOuter(batch.Tensors);
        return batch;
    }

    static Tensor Boxes(IEnumerable<AugmentedView> views) =>
        tensor(views.SelectMany(v => new float[] { v.Box.X1, v.Box.Y1, v.Box.X2, v.Box.Y2 }).ToArray()).view(-1, 4);

    public IEnumerable<Tensor> Tensors => [Views1, Views2, Boxes1, Boxes2, Flips1, Flips2, ImageSizes];

    public void Dispose()
    {
        foreach (Tensor t in Tensors) t.Dispose();
    }
}
