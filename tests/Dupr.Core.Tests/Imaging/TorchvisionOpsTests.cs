using Dupr.Core.Imaging;
using TorchSharp;
using static TorchSharp.torch;
using static Dupr.Core.Tests.Imaging.TorchvisionFixture;

namespace Dupr.Core.Tests.Imaging;

/// <summary>Colour, tone, blur and resize ops against torchvision 0.14's functional outputs on a 3x9x11 image.</summary>
public class TorchvisionOpsTests
{
    const double FloatTolerance = 1e-5;

    // uint8 results may differ by one level where torchvision truncates a float that rounding
    // puts on the other side of an integer.
    const double UInt8Tolerance = 1;

    public static TheoryData<string, double> Factors() => new()
    {
        { "brightness", 0.6 }, { "brightness", 1.4 }, { "contrast", 0.6 }, { "contrast", 1.4 },
        { "saturation", 0.6 }, { "saturation", 1.4 }, { "hue", -0.1 }, { "hue", 0.05 }, { "hue", 0.5 },
    };

    static Tensor Adjust(string op, Tensor image, double factor) => op switch
    {
        "brightness" => ColorAdjust.Brightness(image, factor),
        "contrast" => ColorAdjust.Contrast(image, factor),
        "saturation" => ColorAdjust.Saturation(image, factor),
        "hue" => ColorAdjust.Hue(image, factor),
        _ => throw new ArgumentException(op),
    };

    [Theory]
    [MemberData(nameof(Factors))]
    public void ColorAdjustMatchesTorchvisionOnFloat(string op, double factor)
    {
        using var scope = NewDisposeScope();
        Tensor result = Adjust(op, Get("input"), factor);
        Assert.Equal(ScalarType.Float32, result.dtype);
        Assert.InRange(MaxDiff(result, Get($"{op}_{Format(factor)}")), 0, FloatTolerance);
    }

    [Theory]
    [MemberData(nameof(Factors))]
    public void ColorAdjustMatchesTorchvisionOnUInt8(string op, double factor)
    {
        using var scope = NewDisposeScope();
        Tensor result = Adjust(op, Get("input_uint8"), factor);
        Assert.Equal(ScalarType.Byte, result.dtype);
        Assert.InRange(MaxDiff(result, Get($"{op}_{Format(factor)}_uint8")), 0, UInt8Tolerance);
    }

    [Fact]
    public void GrayscaleMatchesTorchvision()
    {
        using var scope = NewDisposeScope();
        Assert.InRange(MaxDiff(ColorAdjust.Grayscale(Get("input"), 3), Get("grayscale")), 0, FloatTolerance);
        Assert.InRange(MaxDiff(ColorAdjust.Grayscale(Get("input_uint8"), 3), Get("grayscale_uint8")), 0, UInt8Tolerance);
        Assert.Equal(new long[] { 1, 9, 11 }, ColorAdjust.Grayscale(Get("input")).shape);
    }

    [Fact]
    public void GaussianBlurMatchesTorchvision()
    {
        using var scope = NewDisposeScope();
        Assert.InRange(MaxDiff(GaussianBlur.Apply(Get("input"), 5, 1.3), Get("blur_k5_s1.3")), 0, FloatTolerance);
        Assert.InRange(MaxDiff(GaussianBlur.Apply(Get("input"), 7, 0.4), Get("blur_k7_s0.4")), 0, FloatTolerance);
        Assert.InRange(MaxDiff(GaussianBlur.Apply(Get("input_uint8"), 5, 1.3), Get("blur_k5_s1.3_uint8")), 0, UInt8Tolerance);
        Assert.Throws<ArgumentException>(() => GaussianBlur.Apply(Get("input"), 23, 1.0));
    }

    [Fact]
    public void ToneOpsMatchTorchvision()
    {
        using var scope = NewDisposeScope();
        Tensor image8 = Get("input_uint8"), image = Get("input");
        Assert.InRange(MaxDiff(ToneAdjust.Sharpness(image8, 0.1), Get("sharpness_0.1_uint8")), 0, UInt8Tolerance);
        Assert.InRange(MaxDiff(ToneAdjust.Sharpness(image8, 1.9), Get("sharpness_1.9_uint8")), 0, UInt8Tolerance);
        Assert.InRange(MaxDiff(ToneAdjust.Sharpness(image, 1.9), Get("sharpness_1.9")), 0, FloatTolerance);
        Assert.Equal(0, MaxDiff(ToneAdjust.Posterize(image8, 3), Get("posterize_3_uint8")));
        Assert.Equal(0, MaxDiff(ToneAdjust.Solarize(image8, 128), Get("solarize_128_uint8")));
        Assert.InRange(MaxDiff(ToneAdjust.Solarize(image, 0.5), Get("solarize_0.5")), 0, FloatTolerance);
        Assert.InRange(MaxDiff(ToneAdjust.AutoContrast(image8), Get("autocontrast_uint8")), 0, UInt8Tolerance);
        Assert.InRange(MaxDiff(ToneAdjust.AutoContrast(image), Get("autocontrast")), 0, FloatTolerance);
        Assert.Equal(0, MaxDiff(ToneAdjust.Equalize(image8), Get("equalize_uint8")));
        Assert.Equal(0, MaxDiff(ToneAdjust.Invert(image8), Get("invert_uint8")));
        Assert.Throws<ArgumentException>(() => ToneAdjust.Posterize(image, 3));
    }

    [Fact]
    public void ToUInt8SaturatesOvershootInsteadOfWrappingAround()
    {
        using var scope = NewDisposeScope();
        // A blur or an antialiased resize can overshoot [0, 1] by a little; 1.01 * 255.999 as a byte would wrap to 2.
        Tensor image = tensor(new float[] { -0.2f, -1e-6f, 0f, 0.5f, 1f, 1.01f, 3f });
        Assert.Equal(new byte[] { 0, 0, 0, 127, 255, 255, 255 }, ImageTensor.ToUInt8(image).data<byte>().ToArray());
    }

    [Fact]
    public void ConversionNormalizeAndResizeMatchTorchvision()
    {
        using var scope = NewDisposeScope();
        Tensor image = Get("input");
        Assert.Equal(0, MaxDiff(ImageTensor.ToUInt8(image), Get("to_uint8")));
        Assert.InRange(MaxDiff(ImageTensor.ToFloat(Get("input_uint8")), Get("to_float")), 0, 1e-7);
        Assert.InRange(MaxDiff(ImageTensor.Normalize(image, ImageTensor.ImageNetMean, ImageTensor.ImageNetStd), Get("normalize")), 0, FloatTolerance);
        Assert.InRange(MaxDiff(ImageGeometry.Resize(image, 6, 7), Get("resize_6x7_antialias")), 0, FloatTolerance);
        Assert.InRange(MaxDiff(ImageGeometry.Resize(image, 14, 20), Get("resize_14x20_antialias")), 0, FloatTolerance);
        Assert.InRange(MaxDiff(ImageGeometry.Resize(ImageGeometry.Crop(image, 2, 3, 5, 6), 8, 8), Get("resized_crop_2_3_5_6_to_8x8")), 0, FloatTolerance);
    }

    static string Format(double factor) => factor.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
