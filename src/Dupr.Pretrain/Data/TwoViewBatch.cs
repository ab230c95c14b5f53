using Dupr.Core.Data;
using Dupr.Pretrain.Geometry;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Data;

/// <summary>A batch of two-view samples as tensors: what a pre-training step consumes.</summary>
/// <remarks>Boxes are (x1, y1, x2, y2) in original-image pixel edges; see <see cref="AugmentedView"/> for the view mapping.</remarks>
public sealed class TwoViewBatch : IBatch
{
    /// <summary>First views [B, 3, S, S], uint8 (<see cref="ViewTransform.ModelInput"/> normalises them on the model's device).</summary>
    public Tensor Views1 { get; }

    /// <summary>Second views [B, 3, S, S].</summary>
    public Tensor Views2 { get; }

    /// <summary>Crop box (original-image pixels), size and flip of each first view: host values, so a step reads nothing back.</summary>
    public IReadOnlyList<ViewFrame> Frames1 { get; }

    /// <summary>Crop box, size and flip of each second view.</summary>
    public IReadOnlyList<ViewFrame> Frames2 { get; }

    /// <summary>Dataset indices of the images.</summary>
    public IReadOnlyList<int> Indices { get; }

    TwoViewBatch(Tensor views1, Tensor views2, IReadOnlyList<ViewFrame> frames1, IReadOnlyList<ViewFrame> frames2, int[] indices)
    {
        (Views1, Views2, Frames1, Frames2, Indices) = (views1, views2, frames1, frames2, indices);
    }

    /// <summary>Number of samples.</summary>
    public int Count => Indices.Count;

    /// <summary>Stacks <paramref name="samples"/> into a batch (the loader's collate function); the inputs stay the caller's.</summary>
    public static TwoViewBatch Collate(IReadOnlyList<TwoViewSample> samples) => Collate(samples, pinMemory: false);

    /// <summary>
    /// Stacks <paramref name="samples"/> into a batch, the views in pinned (page-locked) host memory when <paramref name="pinMemory"/>
    /// (for non-blocking copies to a GPU); the inputs stay the caller's.
    /// </summary>
    public static TwoViewBatch Collate(IReadOnlyList<TwoViewSample> samples, bool pinMemory)
    {
        using var scope = NewDisposeScope();
        Tensor Views(Func<TwoViewSample, AugmentedView> view)
        {
            var views = stack(samples.Select(s => view(s).Pixels));
            return pinMemory ? views.pin_memory() : views;
        }
        var batch = new TwoViewBatch(
            Views(s => s.First),
            Views(s => s.Second),
            [.. samples.Select(s => Frame(s.First))],
            [.. samples.Select(s => Frame(s.Second))],
            samples.Select(s => s.Index).ToArray());
        scope.MoveToOuter(batch.Tensors);
        return batch;
    }

    static ViewFrame Frame(AugmentedView view) =>
        new(new Box(view.Box.X1, view.Box.Y1, view.Box.X2, view.Box.Y2), (int)view.Pixels.shape[2], (int)view.Pixels.shape[1], view.Flipped);

    public IEnumerable<Tensor> Tensors => [Views1, Views2];

    public void Dispose()
    {
        foreach (Tensor t in Tensors) t.Dispose();
    }
}
