using TorchSharp;
using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Imaging;

/// <summary>
/// Tone operations of AutoAugment/RandAugment (invert, posterize, solarize, autocontrast, equalize,
/// sharpness) on image tensors [..., C, H, W], ported from torchvision 0.14's functional_tensor.
/// Posterize and equalize need uint8, as in torchvision; the others take uint8 or float in [0, 1].
/// </summary>
public static class ToneAdjust
{
    /// <summary>bound - image (for uint8, 255 - x is the bitwise complement).</summary>
    public static Tensor Invert(Tensor image) => image.is_floating_point() ? image.neg().add_(S(1.0), One) : image.bitwise_not();

    /// <summary>Keeps the <paramref name="bits"/> high bits of each uint8 value.</summary>
    public static Tensor Posterize(Tensor image, int bits)
    {
        RequireUInt8(image, "posterize");
        if (bits is < 0 or > 8) throw new ArgumentOutOfRangeException(nameof(bits), bits, "must be in [0, 8]");
        return image.bitwise_and(unchecked((byte)(0xFF << (8 - bits))));
    }

    /// <summary>Inverts the values at or above <paramref name="threshold"/> (in the dtype's units).</summary>
    public static Tensor Solarize(Tensor image, double threshold)
    {
        if (threshold > ImageTensor.Bound(image)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold above the image's range");
        using var scope = NewDisposeScope();
        return where(image.ge(S(threshold)), Invert(image), image).MoveToOuterDisposeScope();
    }

    /// <summary>Stretches each channel linearly to the full range; constant channels are left as they are.</summary>
    public static Tensor AutoContrast(Tensor image)
    {
        using var scope = NewDisposeScope();
        double bound = ImageTensor.Bound(image);
        ScalarType dtype = image.is_floating_point() ? image.dtype : ScalarType.Float32;
        Tensor minimum = image.amin([-2L, -1L], keepdim: true).to_type(dtype);
        Tensor maximum = image.amax([-2L, -1L], keepdim: true).to_type(dtype);
        Tensor scale = (maximum - minimum).reciprocal_().mul_(S(bound));
        Tensor degenerate = scale.isfinite().logical_not_();
        minimum = minimum.masked_fill(degenerate, S(0.0));
        scale = scale.masked_fill(degenerate, S(1.0));
        return (image - minimum).mul_(scale).clamp_(S(0.0), S(bound)).to_type(image.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Histogram equalisation per channel of a uint8 image [..., C, H, W] (PIL's algorithm, as torchvision ports it).</summary>
    public static Tensor Equalize(Tensor image)
    {
        RequireUInt8(image, "equalize");
        using var scope = NewDisposeScope();
        long[] shape = image.shape;
        Tensor planes = image.reshape(-1, shape[^2], shape[^1]);
        var equalized = new Tensor[planes.shape[0]];
        for (int c = 0; c < equalized.Length; c++) equalized[c] = EqualizeChannel(planes[c]);
        return stack(equalized).reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>Blends with a smoothed copy (borders kept): 0 blurs, 1 is the original, 2 sharpens (adjust_sharpness).</summary>
    public static Tensor Sharpness(Tensor image, double factor)
    {
        if (!(factor >= 0)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor must be non-negative");
        if (image.shape[^1] <= 2 || image.shape[^2] <= 2) return image.alias();
        using var scope = NewDisposeScope();
        return ColorAdjust.Blend(image, SmoothedInterior(image), factor).MoveToOuterDisposeScope();
    }

    static Tensor EqualizeChannel(Tensor channel)
    {
        Tensor histogram = bincount(channel.flatten().to_type(ScalarType.Int64), minlength: 256);
        Tensor nonzero = histogram.masked_select(histogram.ne(S(0)));
        long step = nonzero.narrow(0, 0, nonzero.shape[0] - 1).sum().ReadItem<long>() / 255;
        if (step == 0) return channel.alias();
        Tensor lut = histogram.cumsum(0).add_(S(step / 2), One).div_(S(step), RoundingMode.floor);
        lut = nn.functional.pad(lut, [1, 0]).narrow(0, 0, 256).clamp_(S(0), S(255));
        return lut.index([channel.to_type(ScalarType.Int64)]).to_type(ScalarType.Byte);
    }

    // torchvision _blurred_degenerate_image: 3x3 smoothing (centre weight 5) inside, original border.
    static Tensor SmoothedInterior(Tensor image)
    {
        ScalarType dtype = image.is_floating_point() ? image.dtype : ScalarType.Float32;
        long channels = image.shape[^3];
        Tensor kernel = ones(3, 3, dtype: dtype, device: image.device);
        kernel[1, 1] = 5.0f;
        kernel = kernel.div_(kernel.sum()).expand(channels, 1, 3, 3);
        long[] shape = image.shape;
        Tensor batch = image.reshape(-1, channels, shape[^2], shape[^1]).to_type(dtype);
        Tensor smoothed = nn.functional.conv2d(batch, kernel, groups: channels);
        if (!image.is_floating_point()) smoothed = smoothed.round_().to_type(image.dtype);
        Tensor result = image.reshape(-1, channels, shape[^2], shape[^1]).clone();
        result.narrow(2, 1, shape[^2] - 2).narrow(3, 1, shape[^1] - 2).copy_(smoothed);
        return result.reshape(shape);
    }

    static void RequireUInt8(Tensor image, string op)
    {
        if (image.dtype != ScalarType.Byte) throw new ArgumentException($"{op} needs a uint8 image, got {image.dtype}", nameof(image));
    }
}
