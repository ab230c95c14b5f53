using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Imaging;

/// <summary>
/// Crop, resize and flip of image tensors [..., C, H, W] with torchvision's tensor semantics: bilinear
/// with align_corners = false (pixel centres at +0.5) and, by default, antialiasing when shrinking
/// (torchvision's antialias=True, close to PIL's resize).
/// </summary>
public static class ImageGeometry
{
    /// <summary>The [top, top + height) x [left, left + width) window, a view without copy; it must lie inside the image.</summary>
    public static Tensor Crop(Tensor image, int top, int left, int height, int width)
    {
        long imageHeight = image.shape[^2], imageWidth = image.shape[^1];
        if (top < 0 || left < 0 || height <= 0 || width <= 0 || top + height > imageHeight || left + width > imageWidth)
            throw new ArgumentOutOfRangeException(nameof(image), $"crop (top {top}, left {left}, {height}x{width}) outside a {imageHeight}x{imageWidth} image");
        int dims = (int)image.dim();
        return image.narrow(dims - 2, top, height).narrow(dims - 1, left, width);
    }

    /// <summary>Bilinear resize to <paramref name="height"/> x <paramref name="width"/>; uint8 input is rounded back to uint8, as torchvision does.</summary>
    public static Tensor Resize(Tensor image, int height, int width, bool antialias = true)
    {
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"resize to {height}x{width}");
        using var scope = NewDisposeScope();
        long[] shape = image.shape;
        Tensor batch = image.reshape(-1, shape[^3], shape[^2], shape[^1]);
        if (!batch.is_floating_point()) batch = batch.to_type(ScalarType.Float32);
        Tensor resized = nn.functional.interpolate(batch, [height, width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: antialias);
        if (!image.is_floating_point()) resized = resized.round_().clamp_(S(0), S(255)).to_type(image.dtype);
        long[] outShape = [.. shape[..^2], height, width];
        return resized.reshape(outShape).MoveToOuterDisposeScope();
    }

    /// <summary>Nearest-neighbour resize (torch "nearest"), for label maps and masks of any dtype.</summary>
    public static Tensor ResizeNearest(Tensor image, int height, int width)
    {
        if (height <= 0 || width <= 0) throw new ArgumentOutOfRangeException(nameof(height), $"resize to {height}x{width}");
        using var scope = NewDisposeScope();
        long[] shape = image.shape;
        ScalarType dtype = image.dtype;
        Tensor batch = image.reshape(-1, 1, shape[^2], shape[^1]);
        // interpolate has no bool or uint8 kernels on every backend; float holds small integers exactly.
        if (!batch.is_floating_point()) batch = batch.to_type(ScalarType.Float32);
        Tensor resized = nn.functional.interpolate(batch, [height, width], mode: InterpolationMode.Nearest).to_type(dtype);
        long[] outShape = [.. shape[..^2], height, width];
        return resized.reshape(outShape).MoveToOuterDisposeScope();
    }

    /// <summary>Mirrors left-right.</summary>
    public static Tensor HorizontalFlip(Tensor image) => image.flip(-1);
}
