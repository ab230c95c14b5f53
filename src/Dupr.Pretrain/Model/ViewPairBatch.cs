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
    /// <summary>The loader's batch on <paramref name="device"/>: view 1 as queries, view 2 as keys (copied without blocking the host: from pinned memory the copy runs asynchronously).</summary>
    public static ViewPairBatch From(TwoViewBatch batch, Device device) =>
        new(batch.Views1.to(device, non_blocking: true), batch.Views2.to(device, non_blocking: true), batch.Frames1, batch.Frames2);
}
