using Dupr.Pretrain.Data;
using Dupr.Pretrain.Geometry;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Model;

/// <summary>A batch of two-view samples: the query views, the key views, and where each view came from.</summary>
/// <param name="Queries">View 1 of every image, normalised, [N, 3, H, W].</param>
/// <param name="Keys">View 2 of every image, [N, 3, H, W].</param>
/// <param name="QueryFrames">Crop box, size and flip of each view 1.</param>
/// <param name="KeyFrames">Crop box, size and flip of each view 2.</param>
public sealed record ViewPairBatch(Tensor Queries, Tensor Keys, IReadOnlyList<ViewFrame> QueryFrames, IReadOnlyList<ViewFrame> KeyFrames)
{
    /// <summary>
    /// The loader's batch as the model's input on <paramref name="device"/>: view 1 as queries, view 2 as keys, normalised there
    /// with <paramref name="views"/>' mean and std (<see cref="ViewTransform.ModelInput"/>).
    /// </summary>
    public static ViewPairBatch From(TwoViewBatch batch, ViewAugmentationOptions views, Device device) =>
        new(ViewTransform.ModelInput(batch.Views1, views, device), ViewTransform.ModelInput(batch.Views2, views, device), batch.Frames1, batch.Frames2);
}
