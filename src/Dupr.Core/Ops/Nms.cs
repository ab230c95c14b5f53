using TorchSharp;
using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Ops;

/// <summary>Non-maximum suppression returning the indices torchvision.ops.nms and batched_nms return.</summary>
/// <remarks>
/// TorchVision 0.107's managed nms is far too slow for an RPN (about 0.5 s for 5,000 boxes); on the CPU this one runs a
/// vectorised C# kernel (<see cref="NmsKernel"/>). Boxes on another device stay there: <see cref="TensorNms"/> finds the
/// same boxes with tensor operations, without copying them to the host.
/// </remarks>
public static class Nms
{
    /// <summary>
    /// Greedy NMS: the indices of the kept boxes, int64, in decreasing score order (equal scores: lower
    /// index first), dropping every box whose IoU with a kept higher-scoring box is above <paramref name="iouThreshold"/>.
    /// </summary>
    /// <param name="boxes">[N, 4] boxes (x1, y1, x2, y2).</param>
    /// <param name="scores">[N] scores.</param>
    /// <param name="iouThreshold">Boxes overlapping a kept box by more than this are dropped.</param>
    public static Tensor Apply(Tensor boxes, Tensor scores, double iouThreshold)
    {
        Validate(boxes, scores, null);
        using var timed = OpTimer.Measure(OpTimer.Nms);
        return Run(boxes, scores, iouThreshold);
    }

    /// <summary>
    /// NMS within each group (class or FPN level): boxes of different <paramref name="groups"/> never suppress
    /// each other. Same indices, in the same order, as torchvision's batched_nms, which picks its method by size:
    /// up to 1,000 boxes on the CPU (5,000 elsewhere) are offset per group by (max coordinate + 1) and suppressed
    /// together; more are suppressed group by group and merged by an unstable descending sort of their scores,
    /// whose order of equal scores <see cref="TorchCpuSort"/> reproduces (on other devices: by index).
    /// </summary>
    /// <param name="boxes">[N, 4] boxes (x1, y1, x2, y2).</param>
    /// <param name="scores">[N] scores.</param>
    /// <param name="groups">[N] integer group of each box.</param>
    /// <param name="iouThreshold">Boxes overlapping a kept box of their group by more than this are dropped.</param>
    public static Tensor Batched(Tensor boxes, Tensor scores, Tensor groups, double iouThreshold)
    {
        Validate(boxes, scores, groups);
        using var timed = OpTimer.Measure(OpTimer.Nms);
        using var scope = NewDisposeScope();
        bool cpu = boxes.device_type == DeviceType.CPU;
        if (boxes.numel() > (cpu ? 4000 : 20000))
        {
            // Group by group, merged by score with ties by index: what TensorNms gives with the groups as a mask.
            if (!cpu) return scope.MoveToOuter(TensorNms.Run(boxes, scores, groups, iouThreshold));
            // Dense group ids, so they are exact in the kernel's float lanes.
            var (_, inverse, _) = unique(groups.cpu(), sorted: true, return_inverse: true);
            int[] dense = inverse!.to_type(ScalarType.Int32).ReadArray<int>();
            double[] score = HostArray<double>(scores);
            long[] kept = boxes.dtype == ScalarType.Float64
                ? NmsKernel.Run(HostArray<double>(boxes), score, dense, iouThreshold)
                : NmsKernel.Run(HostArray<float>(boxes), score, dense, iouThreshold);
            if (cpu)
            {
                // torchvision: keep = where(mask) (ascending), then keep[scores[keep].sort(descending=True)].
                Array.Sort(kept);
                int[] order = TorchCpuSort.DescendingOrder(kept.Select(i => score[i]).ToArray());
                kept = order.Select(i => kept[i]).ToArray();
            }
            return scope.MoveToOuter(tensor(kept, dtype: ScalarType.Int64, device: boxes.device));
        }
        if (boxes.numel() == 0) return scope.MoveToOuter(empty(0, dtype: ScalarType.Int64, device: boxes.device));
        // torchvision's coordinate trick, with its arithmetic: the offsets are rounded like its own.
        var maxCoordinate = boxes.max();
        var offsets = groups.to_type(boxes.dtype) * maxCoordinate.add(ones([], boxes.dtype, boxes.device), One);
        return scope.MoveToOuter(Run(boxes.add(offsets.unsqueeze(1), One), scores, iouThreshold));
    }

    static Tensor Run(Tensor boxes, Tensor scores, double iouThreshold)
    {
        if (boxes.device_type != DeviceType.CPU) return TensorNms.Run(boxes, scores, null, iouThreshold);
        double[] score = HostArray<double>(scores);
        long[] keep = boxes.dtype == ScalarType.Float64
            ? NmsKernel.Run(HostArray<double>(boxes), score, null, iouThreshold)
            : NmsKernel.Run(HostArray<float>(boxes), score, null, iouThreshold);
        return tensor(keep, dtype: ScalarType.Int64, device: boxes.device);
    }

    static T[] HostArray<T>(Tensor values) where T : unmanaged
    {
        if (values.numel() == 0) return [];
        using var scope = NewDisposeScope();
        var type = typeof(T) == typeof(double) ? ScalarType.Float64 : ScalarType.Float32;
        return values.detach().to(type, CPU).contiguous().ReadArray<T>();
    }

    static void Validate(Tensor boxes, Tensor scores, Tensor? groups)
    {
        BoxOps.CheckBoxes(boxes, nameof(boxes));
        if (scores.dim() != 1 || scores.size(0) != boxes.size(0))
            throw new ArgumentException($"scores must be [N] with N = {boxes.size(0)} boxes, got [{string.Join(", ", scores.shape)}]", nameof(scores));
        if (!scores.is_floating_point())
            throw new ArgumentException($"scores must be floating point, got {scores.dtype}", nameof(scores));
        if (groups is null) return;
        if (groups.dim() != 1 || groups.size(0) != boxes.size(0))
            throw new ArgumentException($"groups must be [N] with N = {boxes.size(0)} boxes, got [{string.Join(", ", groups.shape)}]", nameof(groups));
        if (groups.is_floating_point() || groups.dtype == ScalarType.Bool)
            throw new ArgumentException($"groups must be integers, got {groups.dtype}", nameof(groups));
    }
}
