using System.Runtime.InteropServices;
using Dupr.Core.Runtime;
using SkiaSharp;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Imaging;

/// <summary>Encodes uint8 image tensors [3, H, W] (or [1, H, W] grayscale) as PNG or JPEG, for tools and tests.</summary>
public static class ImageEncoder
{
    /// <summary>Lossless PNG bytes of <paramref name="image"/>.</summary>
    public static byte[] EncodePng(Tensor image) => Encode(image, SKEncodedImageFormat.Png, 100);

    /// <summary>JPEG bytes of <paramref name="image"/> at <paramref name="quality"/> (1-100).</summary>
    public static byte[] EncodeJpeg(Tensor image, int quality = 90)
    {
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), quality, "JPEG quality must be in [1, 100]");
        return Encode(image, SKEncodedImageFormat.Jpeg, quality);
    }

    /// <summary>Writes <paramref name="image"/> atomically as PNG or JPEG, chosen by the file extension.</summary>
    public static void Save(Tensor image, string path, int jpegQuality = 90)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        byte[] bytes = extension switch
        {
            ".png" => EncodePng(image),
            ".jpg" or ".jpeg" => EncodeJpeg(image, jpegQuality),
            _ => throw new DuprException($"{path}: unknown image extension '{extension}' (use .png, .jpg or .jpeg)"),
        };
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    static byte[] Encode(Tensor image, SKEncodedImageFormat format, int quality)
    {
        if (image.dtype != ScalarType.Byte || image.dim() != 3 || image.shape[0] is not (1 or 3))
            throw new ArgumentException($"expected a uint8 image [3, H, W] or [1, H, W], got {image.dtype} [{string.Join(", ", image.shape)}]", nameof(image));
        int height = (int)image.shape[1], width = (int)image.shape[2];
        byte[] rgba = new byte[height * width * 4];
        using (var scope = NewDisposeScope())
        {
            Tensor hwc = image.expand(3, height, width).permute(1, 2, 0);
            Tensor opaque = full([height, width, 1], S(255), ScalarType.Byte);
            cat([hwc, opaque], 2).contiguous().bytes.CopyTo(rgba);
        }
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        GCHandle pin = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, pin.AddrOfPinnedObject(), info.RowBytes);
            using SKData data = pixmap.Encode(format, quality);
            return data.ToArray();
        }
        finally
        {
            pin.Free();
        }
    }
}
