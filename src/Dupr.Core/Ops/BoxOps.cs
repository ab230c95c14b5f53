using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Ops;

/// <summary>Operations on [N, 4] (x1, y1, x2, y2) box tensors, as torchvision.ops and detectron2's Boxes define them.</summary>
public static class BoxOps
{
    /// <summary>[N] areas (x2 - x1) * (y2 - y1).</summary>
    public static Tensor Area(Tensor boxes)
    {
        CheckBoxes(boxes, nameof(boxes));
        using var scope = NewDisposeScope();
        return scope.MoveToOuter((boxes[.., 2] - boxes[.., 0]) * (boxes[.., 3] - boxes[.., 1]));
    }

    /// <summary>
    /// [N, M] intersection over union of every pair. Pairs that do not intersect get 0, as in detectron2's
    /// pairwise_iou, where torchvision's box_iou gives 0/0 = NaN for two empty boxes; otherwise equal.
    /// </summary>
    public static Tensor PairwiseIou(Tensor boxes1, Tensor boxes2)
    {
        CheckBoxes(boxes1, nameof(boxes1));
        CheckBoxes(boxes2, nameof(boxes2));
        using var scope = NewDisposeScope();
        var area1 = Area(boxes1);
        var area2 = Area(boxes2);
        var topLeft = maximum(boxes1[.., TensorIndex.None, ..2], boxes2[.., ..2]);
        var bottomRight = minimum(boxes1[.., TensorIndex.None, 2..], boxes2[.., 2..]);
        var size = (bottomRight - topLeft).clamp_min(S(0));
        var inter = size[.., .., 0] * size[.., .., 1];
        var iou = where(inter > S(0), inter / (area1[.., TensorIndex.None].add(area2, One) - inter), zeros_like(inter));
        return scope.MoveToOuter(iou);
    }

    /// <summary>Boxes clamped into an image: x to [0, width], y to [0, height] (a new tensor).</summary>
    public static Tensor Clip(Tensor boxes, long height, long width)
    {
        CheckBoxes(boxes, nameof(boxes));
        if (height < 0 || width < 0) throw new ArgumentException($"image size must not be negative, got {height}x{width}");
        using var scope = NewDisposeScope();
        var x = boxes[.., TensorIndex.Slice(0, null, 2)].clamp(S(0), S(width));
        var y = boxes[.., TensorIndex.Slice(1, null, 2)].clamp(S(0), S(height));
        return scope.MoveToOuter(stack([x[.., 0], y[.., 0], x[.., 1], y[.., 1]], 1));
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="boxes"/> is a floating-point [N, 4] tensor.</summary>
    internal static void CheckBoxes(Tensor boxes, string name)
    {
        if (boxes.dim() != 2 || boxes.size(1) != 4)
            throw new ArgumentException($"{name} must be [N, 4] (x1, y1, x2, y2), got [{string.Join(", ", boxes.shape)}]", name);
        if (!boxes.is_floating_point())
            throw new ArgumentException($"{name} must be floating point, got {boxes.dtype}", name);
    }
}
