using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Detection.Modeling;

/// <summary>
/// detectron2's paste_masks_in_image on the CPU path (one mask at a time, skip_empty): each M x M mask is
/// bilinearly sampled (grid_sample, zero padding, align_corners false) at the centres of the image pixels within one
/// pixel of its box; pixels farther out stay 0.
/// </summary>
public static class MaskPaste
{
    /// <summary>
    /// Binary masks [K, H, W] uint8 (0/1): <paramref name="masks"/> [K, M, M] (or [K, 1, M, M]) probabilities pasted
    /// into their <paramref name="boxes"/> [K, 4] of an image of <paramref name="imageSize"/>, kept where &gt;= <paramref name="threshold"/>.
    /// </summary>
    public static Tensor Paste(Tensor masks, Tensor boxes, (int Height, int Width) imageSize, double threshold = 0.5)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Probabilities(masks, boxes, imageSize).ge(S(threshold)).to_type(ScalarType.Byte));
    }

    /// <summary>The pasted probabilities [K, H, W] float32 before the threshold (0 beyond a box's pixel margin).</summary>
    public static Tensor Probabilities(Tensor masks, Tensor boxes, (int Height, int Width) imageSize)
    {
        if (masks.dim() == 4) masks = masks.squeeze(1);
        if (masks.dim() != 3 || masks.size(1) != masks.size(2))
            throw new ArgumentException($"masks must be square, [K, M, M] or [K, 1, M, M]; got [{string.Join(", ", masks.shape)}]", nameof(masks));
        long count = masks.size(0);
        if (boxes.size(0) != count) throw new ArgumentException($"{count} masks but {boxes.size(0)} boxes", nameof(boxes));
        var (height, width) = imageSize;
        using var scope = NewDisposeScope();
        var result = zeros([count, height, width], ScalarType.Float32, masks.device);
        // TorchSharp's ToArray throws on an empty tensor.
        if (count == 0) return scope.MoveToOuter(result);
        var mask = masks.to_type(ScalarType.Float32);
        var box = boxes.to_type(ScalarType.Float32).to(masks.device);
        var values = box.cpu().contiguous().ReadArray<float>();
        for (int i = 0; i < count; i++)
        {
            using var step = NewDisposeScope();
            var (x0, y0, x1, y1) = (values[4 * i], values[4 * i + 1], values[4 * i + 2], values[4 * i + 3]);
            // The pixels within one of the box (detectron2's skip_empty bounds), clipped to the image.
            int left = (int)Math.Max(MathF.Floor(x0) - 1, 0), top = (int)Math.Max(MathF.Floor(y0) - 1, 0);
            int right = (int)Math.Min(MathF.Ceiling(x1) + 1, width), bottom = (int)Math.Min(MathF.Ceiling(y1) + 1, height);
            if (right <= left || bottom <= top) continue;
            // Pixel centres in the box's normalised coordinates, computed in float32 as detectron2 does.
            var b = box[i];
            var gridY = ((arange(S(top), S(bottom), S(1), ScalarType.Float32, masks.device).add(S(0.5f), One) - b[1]) / (b[3] - b[1])).mul(S(2)).sub(S(1));
            var gridX = ((arange(S(left), S(right), S(1), ScalarType.Float32, masks.device).add(S(0.5f), One) - b[0]) / (b[2] - b[0])).mul(S(2)).sub(S(1));
            var grid = stack([gridX.unsqueeze(0).expand(bottom - top, -1), gridY.unsqueeze(1).expand(-1, right - left)], 2).unsqueeze(0);
            var pasted = nn.functional.grid_sample(mask[i].unsqueeze(0).unsqueeze(0), grid, GridSampleMode.Bilinear,
                                                   GridSamplePaddingMode.Zeros, align_corners: false);
            result[i, top..bottom, left..right] = pasted[0, 0];
        }
        return scope.MoveToOuter(result);
    }
}
