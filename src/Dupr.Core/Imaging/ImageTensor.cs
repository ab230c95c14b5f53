using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Imaging;

/// <summary>Dtype conversion, normalisation and channel order of image tensors [..., C, H, W], with torchvision's semantics.</summary>
public static class ImageTensor
{
    /// <summary>ImageNet RGB mean in [0, 1] units (torchvision's and MoCo's normalisation).</summary>
    public static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet RGB standard deviation in [0, 1] units.</summary>
    public static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    /// <summary>The largest value of a pixel of this dtype: 1 for floating point, 255 for uint8.</summary>
    public static double Bound(Tensor image) => image.is_floating_point() ? 1.0 : 255.0;

    /// <summary>uint8 [0, 255] to float32 [0, 1] (torchvision convert_image_dtype); float input is returned as is.</summary>
    public static Tensor ToFloat(Tensor image) =>
        image.is_floating_point() ? image.alias() : image.to_type(ScalarType.Float32).div_(S(255.0));

    /// <summary>
    /// float [0, 1] to uint8 as torchvision's convert_image_dtype does (x * 255.999, truncated); values outside [0, 1] (a
    /// blur's or an interpolation's overshoot) saturate instead of wrapping around; uint8 is returned as is.
    /// </summary>
    public static Tensor ToUInt8(Tensor image) =>
        image.dtype == ScalarType.Byte ? image.alias() : image.mul(S(256.0 - 1e-3)).clamp_(S(0), S(255)).to_type(ScalarType.Byte);

    /// <summary>(image - mean) / std per channel, on a float image; a new tensor (torchvision normalize).</summary>
    public static Tensor Normalize(Tensor image, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        if (!image.is_floating_point()) throw new ArgumentException($"normalize needs a float image, got {image.dtype}", nameof(image));
        long channels = image.shape[^3];
        if (mean.Count != channels || std.Count != channels)
            throw new ArgumentException($"normalize: {channels} channels but {mean.Count} means and {std.Count} stds");
        if (std.Any(s => s == 0)) throw new ArgumentException("normalize: a standard deviation is zero", nameof(std));
        using var scope = NewDisposeScope();
        Tensor m = tensor(mean.ToArray(), image.dtype, image.device).view(-1, 1, 1);
        Tensor s = tensor(std.ToArray(), image.dtype, image.device).view(-1, 1, 1);
        return image.sub(m).div_(s).MoveToOuterDisposeScope();
    }

    /// <summary>RGB to BGR (or back): reverses the channel dimension.</summary>
    public static Tensor SwapRgbBgr(Tensor image) => image.flip(-3);
}
