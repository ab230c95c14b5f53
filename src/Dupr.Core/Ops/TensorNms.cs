using TorchSharp;
using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Ops;

/// <summary>
/// Greedy NMS with tensor operations only, so boxes on a GPU stay there: the same kept boxes, in the same order, as
/// <see cref="NmsKernel"/> (torchvision's arithmetic, ties by index), for any device.
/// </summary>
/// <remarks>
/// Boxes are sorted by score and taken a block at a time. A block's boxes are first suppressed by the boxes kept in
/// earlier blocks (one IoU matrix against all of them, masked by their verdicts), then among themselves by Cluster-NMS
/// (Zheng et al. 2020): starting from "all kept", each pass keeps a box when no box kept in the previous pass overlaps it
/// from above; the passes settle on greedy NMS's verdicts exactly (box k's verdict is final after k passes, and the fixed
/// point is unique), usually after a few.
/// </remarks>
internal static class TensorNms
{
    /// <summary>Boxes per block: a [Block, Block] IoU matrix per Cluster-NMS pass.</summary>
    const int Block = 1024;

    /// <summary>Cluster-NMS passes between two checks for the fixed point.</summary>
    const int PassesPerCheck = 4;

    /// <summary>Kept indices, int64, in decreasing score order (ties: lower index first); <paramref name="groups"/> limits suppression to equal groups.</summary>
    public static Tensor Run(Tensor boxes, Tensor scores, Tensor? groups, double iouThreshold)
    {
        long n = boxes.shape[0];
        if (n == 0) return empty(0, dtype: ScalarType.Int64, device: boxes.device);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var order = scores.detach().sort(descending: true, stable: true).Indices;
        var sorted = boxes.detach().index_select(0, order);
        var group = groups?.index_select(0, order);
        var area = sorted[.., 2].sub(sorted[.., 0]).mul(sorted[.., 3].sub(sorted[.., 1]));
        // iou > threshold (torchvision compares in double) exactly when iou > the largest value of the boxes' type not above it.
        var threshold = ThresholdBelow(iouThreshold, sorted.dtype);
        var keep = zeros(n, ScalarType.Bool, boxes.device);
        for (long start = 0; start < n; start += Block)
        {
            long length = Math.Min(Block, n - start);
            var rows = sorted.narrow(0, start, length);
            var rowArea = area.narrow(0, start, length);
            var rowGroup = group?.narrow(0, start, length);
            var alive = ones(length, ScalarType.Bool, boxes.device);
            if (start > 0)
            {
                var earlier = Overlaps(sorted.narrow(0, 0, start), area.narrow(0, 0, start), group?.narrow(0, 0, start), rows, rowArea, rowGroup, threshold);
                alive = earlier.logical_and(keep.narrow(0, 0, start).unsqueeze(1)).any(0).logical_not();
            }
            var above = Overlaps(rows, rowArea, rowGroup, rows, rowArea, rowGroup, threshold).triu(1); // [i, j]: i outranks j and overlaps it
            var verdict = alive;
            // Passes come in groups between checks: each check is a host read (on a GPU, a wait for the device), and a pass
            // after the fixed point changes nothing.
            while (true)
            {
                var previous = verdict;
                for (int pass = 0; pass < PassesPerCheck; pass++)
                {
                    previous = verdict;
                    verdict = above.logical_and(verdict.unsqueeze(1)).any(0).logical_not().logical_and(alive);
                }
                if (verdict.eq(previous).all().ReadItem<bool>()) break;
            }
            keep.narrow(0, start, length).copy_(verdict);
        }
        return scope.MoveToOuter(order.masked_select(keep));
    }

    // [A, B]: whether box a of the first set overlaps box b of the second by more than the threshold (and shares its group),
    // in torchvision's arithmetic: inter / ((area_a + area_b) - inter).
    static Tensor Overlaps(Tensor a, Tensor areaA, Tensor? groupA, Tensor b, Tensor areaB, Tensor? groupB, double threshold)
    {
        var w = minimum(a[.., 2].unsqueeze(1), b[.., 2].unsqueeze(0)).sub(maximum(a[.., 0].unsqueeze(1), b[.., 0].unsqueeze(0))).clamp_min(S(0));
        var h = minimum(a[.., 3].unsqueeze(1), b[.., 3].unsqueeze(0)).sub(maximum(a[.., 1].unsqueeze(1), b[.., 1].unsqueeze(0))).clamp_min(S(0));
        var inter = w.mul(h);
        var iou = inter.div(areaA.unsqueeze(1).add(areaB.unsqueeze(0), One).sub(inter));
        var over = iou.gt(S(threshold));
        return groupA is null ? over : over.logical_and(groupA.unsqueeze(1).eq(groupB!.unsqueeze(0)));
    }

    static double ThresholdBelow(double threshold, ScalarType type)
    {
        if (type == ScalarType.Float64) return threshold;
        float t = (float)threshold;
        return (double)t > threshold ? float.BitDecrement(t) : t;
    }
}
