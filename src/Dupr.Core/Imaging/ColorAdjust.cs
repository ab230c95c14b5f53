using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Imaging;

/// <summary>
/// Brightness, contrast, saturation, hue and grayscale on image tensors [..., 3, H, W] (float in [0, 1]
/// or uint8), ported from torchvision 0.14's functional_tensor so results match it (uint8 included:
/// blends truncate, as torchvision's do).
/// </summary>
public static class ColorAdjust
{
    /// <summary>Multiplies intensities by <paramref name="factor"/> (>= 0), clamped (adjust_brightness).</summary>
    public static Tensor Brightness(Tensor image, double factor)
    {
        CheckFactor(factor, nameof(factor));
        return Blend(image, null, factor);
    }

    /// <summary>Blends with the image's mean gray level (adjust_contrast).</summary>
    public static Tensor Contrast(Tensor image, double factor)
    {
        CheckFactor(factor, nameof(factor));
        using var scope = NewDisposeScope();
        ScalarType dtype = image.is_floating_point() ? image.dtype : ScalarType.Float32;
        Tensor mean = Grayscale(image).to_type(dtype).mean([-3L, -2L, -1L], keepdim: true);
        return Blend(image, mean, factor).MoveToOuterDisposeScope();
    }

    /// <summary>Blends with the grayscale image (adjust_saturation): 0 gives gray, 1 the original.</summary>
    public static Tensor Saturation(Tensor image, double factor)
    {
        CheckFactor(factor, nameof(factor));
        using var scope = NewDisposeScope();
        return Blend(image, Grayscale(image), factor).MoveToOuterDisposeScope();
    }

    /// <summary>Rotates the hue by <paramref name="factor"/> turns, in [-0.5, 0.5] (adjust_hue, via HSV).</summary>
    public static Tensor Hue(Tensor image, double factor)
    {
        if (factor is < -0.5 or > 0.5) throw new ArgumentOutOfRangeException(nameof(factor), factor, "hue factor must be in [-0.5, 0.5]");
        using var scope = NewDisposeScope();
        bool uint8 = image.dtype == ScalarType.Byte;
        Tensor x = uint8 ? image.to_type(ScalarType.Float32).div(S(255.0)) : image;
        Tensor[] hsv = RgbToHsv(x).unbind(-3);
        Tensor hue = hsv[0].add(S(factor), One).remainder_(S(1.0));
        Tensor rgb = HsvToRgb(hue, hsv[1], hsv[2]);
        if (uint8) rgb = rgb.mul_(S(255.0)).to_type(ScalarType.Byte);
        return rgb.MoveToOuterDisposeScope();
    }

    /// <summary>Luma (0.2989 R + 0.587 G + 0.114 B) as [..., 1, H, W], or repeated to 3 channels (rgb_to_grayscale).</summary>
    public static Tensor Grayscale(Tensor image, int outputChannels = 1)
    {
        if (outputChannels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(outputChannels), outputChannels, "must be 1 or 3");
        using var scope = NewDisposeScope();
        Tensor[] c = image.unbind(-3);
        Tensor luma = c[0].mul(S(0.2989)).add_(c[1].mul(S(0.587)), One).add_(c[2].mul(S(0.114)), One).to_type(image.dtype).unsqueeze(-3);
        Tensor result = outputChannels == 3 ? luma.expand(image.shape).contiguous() : luma;
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>ratio * a + (1 - ratio) * b, clamped to the dtype's range and cast back (torchvision _blend); b = null means zeros.</summary>
    public static Tensor Blend(Tensor a, Tensor? b, double ratio)
    {
        using var scope = NewDisposeScope();
        Tensor mixed = a.mul(S(ratio));
        if (b is not null) mixed = mixed.add_(b.mul(S(1.0 - ratio)), One);
        return mixed.clamp_(S(0.0), S(ImageTensor.Bound(a))).to_type(a.dtype).MoveToOuterDisposeScope();
    }

    static void CheckFactor(double factor, string name)
    {
        if (!(factor >= 0)) throw new ArgumentOutOfRangeException(name, factor, "factor must be non-negative");
    }

    // torchvision _rgb2hsv (after Pillow's Convert.c): H, S, V stacked on dim -3, H in [0, 1).
    static Tensor RgbToHsv(Tensor image)
    {
        Tensor[] c = image.unbind(-3);
        Tensor r = c[0], g = c[1], b = c[2];
        Tensor maxc = image.amax([-3L]);
        Tensor minc = image.amin([-3L]);
        Tensor equal = maxc.eq(minc);
        Tensor range = maxc - minc;
        Tensor ones = ones_like(maxc);
        Tensor saturation = range / where(equal, ones, maxc);
        Tensor divisor = where(equal, ones, range);
        Tensor rc = (maxc - r) / divisor, gc = (maxc - g) / divisor, bc = (maxc - b) / divisor;
        Tensor hr = maxc.eq(r).to_type(image.dtype) * (bc - gc);
        Tensor hg = (maxc.eq(g) & maxc.ne(r)).to_type(image.dtype) .mul((rc - bc).add(S(2.0), One));
        Tensor hb = (maxc.ne(g) & maxc.ne(r)).to_type(image.dtype) .mul((gc - rc).add(S(4.0), One));
        Tensor hue = hr.add(hg, One).add(hb, One).div(S(6.0)).add(S(1.0), One).fmod_(S(1.0));
        return stack([hue, saturation, maxc], -3);
    }

    // torchvision _hsv2rgb: picks one of six (R, G, B) arrangements of (v, p, q, t) per pixel.
    static Tensor HsvToRgb(Tensor h, Tensor s, Tensor v)
    {
        Tensor sector = floor(h.mul(S(6.0)));
        Tensor f = h.mul(S(6.0)) - sector;
        Tensor i = sector.to_type(ScalarType.Int32).remainder(S(6)).to_type(ScalarType.Int64);
        Tensor p = (v * s.negative().add(S(1.0), One)).clamp_(S(0.0), S(1.0));
        Tensor q = (v * (s * f).negative().add(S(1.0), One)).clamp_(S(0.0), S(1.0));
        Tensor t = (v * (s * f.negative().add(S(1.0), One)).negative().add(S(1.0), One)).clamp_(S(0.0), S(1.0));
        Tensor red = stack([v, q, p, p, t, v], -3);
        Tensor green = stack([t, v, v, q, p, p], -3);
        Tensor blue = stack([p, p, t, v, v, q], -3);
        Tensor index = i.unsqueeze(-3);
        return cat([red.gather(-3, index), green.gather(-3, index), blue.gather(-3, index)], -3);
    }
}
