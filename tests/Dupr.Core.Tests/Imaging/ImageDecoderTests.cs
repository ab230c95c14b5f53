using Dupr.Core.Imaging;
using Dupr.Core.Runtime;
using Dupr.Tests;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Imaging;

public class ImageDecoderTests
{
    static string Fixture(string name) => Path.Combine(TestPaths.Fixtures, "images", name);

    // Both sides decode with libjpeg-turbo (Skia's bundled copy, the system's for PIL); they agreed
    // exactly on these fixtures, and one level allows for another libjpeg-turbo build.
    const double JpegTolerance = 1;

    [Theory]
    [InlineData("rgb.jpg", "rgb.expected.png", JpegTolerance)]
    [InlineData("gray.jpg", "gray.expected.png", JpegTolerance)]
    [InlineData("gray.png", "gray-png.expected.png", 0)]
    [InlineData("alpha.png", "alpha.expected.png", 0)]
    [InlineData("palette.png", "palette.expected.png", 0)]
    public void DecodesToRgbLikePil(string file, string expected, double tolerance)
    {
        using var scope = NewDisposeScope();
        Tensor image = ImageDecoder.Decode(Fixture(file));
        Assert.Equal(ScalarType.Byte, image.dtype);
        Assert.Equal(new long[] { 3, 16, 24 }, image.shape);
        Assert.InRange(TorchvisionFixture.MaxDiff(image, ImageDecoder.Decode(Fixture(expected))), 0, tolerance);
    }

    [Fact]
    public void GrayscaleIsReplicatedToThreeEqualChannels()
    {
        using var scope = NewDisposeScope();
        Tensor image = ImageDecoder.Decode(Fixture("gray.png"));
        Assert.Equal(0, TorchvisionFixture.MaxDiff(image[0], image[1]));
        Assert.Equal(0, TorchvisionFixture.MaxDiff(image[1], image[2]));
    }

    [Fact]
    public void AlphaIsDroppedWithoutPremultiplying()
    {
        using var scope = NewDisposeScope();
        // Row 0 is fully transparent in the fixture; its colours must survive as PIL keeps them.
        Tensor image = ImageDecoder.Decode(Fixture("alpha.png"));
        Assert.True(image[.., 0].sum().item<long>() > 0);
    }

    [Fact]
    public void CmykJpegIsConvertedToRgb()
    {
        using var scope = NewDisposeScope();
        Tensor image = ImageDecoder.Decode(Fixture("cmyk.jpg"));
        Tensor expected = ImageDecoder.Decode(Fixture("cmyk.expected.png"));
        Assert.Equal(new long[] { 3, 16, 24 }, image.shape);
        Assert.InRange(TorchvisionFixture.MaxDiff(image, expected), 0, JpegTolerance);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void ExifOrientationIsApplied(int orientation)
    {
        using var scope = NewDisposeScope();
        Tensor image = ImageDecoder.Decode(Fixture($"exif{orientation}.jpg"));
        Tensor expected = ImageDecoder.Decode(Fixture($"exif{orientation}.expected.png"));
        Assert.Equal(expected.shape, image.shape);
        Assert.InRange(TorchvisionFixture.MaxDiff(image, expected), 0, JpegTolerance);
    }

    [Fact]
    public void TruncatedJpegNamesTheFile()
    {
        var e = Assert.Throws<DataFileException>(() => ImageDecoder.Decode(Fixture("truncated.jpg")));
        Assert.Equal(Fixture("truncated.jpg"), e.FilePath);
        Assert.StartsWith(Fixture("truncated.jpg") + ": truncated image", e.Message);
    }

    [Fact]
    public void MissingFileNamesTheFile()
    {
        string path = Fixture("no_such_image.jpg");
        var e = Assert.Throws<DataFileException>(() => ImageDecoder.Decode(path));
        Assert.Equal($"{path}: file not found", e.Message);
    }

    [Fact]
    public void NonImageNamesTheFile()
    {
        var e = Assert.Throws<DataFileException>(() => ImageDecoder.Decode(Fixture("not_an_image.jpg")));
        Assert.Equal($"{Fixture("not_an_image.jpg")}: not a JPEG or PNG image (no decoder recognises the data)", e.Message);
    }

    [Fact]
    public void EmptyFileAndDirectoryAreReported()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllBytes(temp.File("empty.png"), []);
        Assert.EndsWith(": file is empty", Assert.Throws<DataFileException>(() => ImageDecoder.Decode(temp.File("empty.png"))).Message);
        Assert.EndsWith(": is a directory, not an image", Assert.Throws<DataFileException>(() => ImageDecoder.Decode(temp.Path)).Message);
    }

    // A PNG of a few dozen bytes whose header claims 3.6 or 0.9 gigapixels crashed the decoder (an int byte count overflowed).
    [Theory]
    [InlineData(60000, 60000)]
    [InlineData(30000, 30000)]
    [InlineData(12000, 12000)]
    public void HeaderClaimingHugeDimensionsIsRefusedBeforeDecoding(int width, int height)
    {
        using var temp = TestPaths.Temp();
        string path = temp.File("bomb.png");
        File.WriteAllBytes(path, ClaimedSizePng.Bytes(width, height));
        var e = Assert.Throws<DataFileException>(() => ImageDecoder.Decode(path));
        Assert.Equal($"{path}: image of {width}x{height} pixels exceeds the limit of 89478485 pixels (DUPR_MAX_IMAGE_PIXELS raises it)", e.Message);
    }

    [Fact]
    public void PixelLimitIsSettableAndZeroMeansNone()
    {
        Assert.Equal(ImagePixelLimit.Default, ImagePixelLimit.Parse(null));
        Assert.Equal(1000, ImagePixelLimit.Parse(" 1000 "));
        Assert.Equal(0, ImagePixelLimit.Parse("0"));
        Assert.Equal("DUPR_MAX_IMAGE_PIXELS: expected a pixel count (0 for no limit), got 'lots'",
            Assert.Throws<DuprException>(() => ImagePixelLimit.Parse("lots")).Message);
        ImagePixelLimit.Check("a.png", 100, 10, 1000);
        ImagePixelLimit.Check("a.png", 60000, 60000, 0);
        Assert.Equal("a.png: image of 100x11 pixels exceeds the limit of 1000 pixels (DUPR_MAX_IMAGE_PIXELS raises it)",
            Assert.Throws<DataFileException>(() => ImagePixelLimit.Check("a.png", 100, 11, 1000)).Message);
    }

    [Fact]
    public void PngRoundTripIsExactAndJpegIsClose()
    {
        using var scope = NewDisposeScope();
        using var temp = TestPaths.Temp();
        Tensor image = ImageDecoder.Decode(Fixture("rgb.expected.png"));
        ImageEncoder.Save(image, temp.File("copy.png"));
        Assert.Equal(0, TorchvisionFixture.MaxDiff(ImageDecoder.Decode(temp.File("copy.png")), image));
        Tensor jpeg = ImageDecoder.Decode(ImageEncoder.EncodeJpeg(image, 95), "memory.jpg");
        Assert.InRange((jpeg.to_type(ScalarType.Float32) - image.to_type(ScalarType.Float32)).abs().mean().item<float>(), 0, 4);
        Tensor gray = ImageDecoder.Decode(ImageEncoder.EncodePng(image[..1]), "gray.png");
        Assert.Equal(0, TorchvisionFixture.MaxDiff(gray[2], image[0]));
    }
}
