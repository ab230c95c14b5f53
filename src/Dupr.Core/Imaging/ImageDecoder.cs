using System.Buffers;
using System.Runtime.InteropServices;
using Dupr.Core.Runtime;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Core.Imaging;

/// <summary>
/// Decodes image files (JPEG and PNG; also whatever else Skia reads: BMP, GIF, WebP) into RGB uint8
/// tensors [3, H, W], giving the pixels PIL gives for <c>ImageOps.exif_transpose(Image.open(f)).convert("RGB")</c>:
/// grayscale and palette images are expanded, CMYK JPEGs converted, alpha dropped without premultiplying,
/// and the EXIF orientation applied. Unreadable files, and images over <see cref="ImagePixelLimit"/>, raise
/// <see cref="DataFileException"/> naming the file.
/// </summary>
/// <remarks>Thread-safe: every call has its own codec.</remarks>
public static class ImageDecoder
{
    /// <summary>Decodes the image file at <paramref name="path"/>.</summary>
    public static Tensor Decode(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new DataFileException(path, Directory.Exists(path) ? "is a directory, not an image" : "file not found");
        if (file.Length == 0) throw new DataFileException(path, "file is empty");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, $"cannot read ({e.Message})", e);
        }
        return Decode(bytes, path);
    }

    /// <summary>Decodes an encoded image held in memory; <paramref name="name"/> names it in errors.</summary>
    public static Tensor Decode(byte[] encoded, string name)
    {
        if (encoded.Length == 0) throw new DataFileException(name, "file is empty");
        // The codec takes ownership of the stream (and frees it even when creation fails).
        using SKCodec? codec = SKCodec.Create(new SKMemoryStream(encoded), out SKCodecResult created);
        if (codec == null)
            throw new DataFileException(name, created == SKCodecResult.IncompleteInput
                ? "truncated image (the header is incomplete)"
                : "not a JPEG or PNG image (no decoder recognises the data)");

        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        if (info.Width <= 0 || info.Height <= 0) throw new DataFileException(name, $"invalid image size {info.Width}x{info.Height}");
        // The header alone decides whether the pixels are decoded at all; SKImageInfo.BytesSize is an int and overflows.
        ImagePixelLimit.Check(name, info.Width, info.Height, ImagePixelLimit.Pixels);
        long bytes = 4L * info.Width * info.Height;
        if (bytes > Array.MaxLength)
            throw new DataFileException(name, $"image of {info.Width}x{info.Height} pixels is too large to decode ({bytes} bytes in one buffer)");
        int size = (int)bytes;
        byte[] pixels = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            SKCodecResult result;
            GCHandle pin = GCHandle.Alloc(pixels, GCHandleType.Pinned);
            try
            {
                result = codec.GetPixels(info, pin.AddrOfPinnedObject());
            }
            finally
            {
                pin.Free();
            }
            if (result != SKCodecResult.Success) throw new DataFileException(name, Describe(result));

            using var scope = NewDisposeScope();
            var rgba = empty([info.Height, info.Width, 4], ScalarType.Byte);
            rgba.bytes = pixels.AsSpan(0, size);
            Tensor rgb = Orient(rgba.narrow(2, 0, 3).permute(2, 0, 1), codec.EncodedOrigin);
            return rgb.contiguous().MoveToOuterDisposeScope();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pixels);
        }
    }

    static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "truncated image (the compressed data ends early)",
        SKCodecResult.ErrorInInput => "corrupt image data",
        SKCodecResult.InvalidConversion => "image cannot be converted to RGB",
        _ => $"image cannot be decoded ({result})",
    };

    // EXIF orientation: how the stored pixels must be transformed to appear upright (as PIL's
    // ImageOps.exif_transpose does). Dimensions of a [3, H, W] tensor: 1 = rows, 2 = columns.
    static Tensor Orient(Tensor image, SKEncodedOrigin origin) => origin switch
    {
        SKEncodedOrigin.TopRight => image.flip(2),
        SKEncodedOrigin.BottomRight => image.flip(1, 2),
        SKEncodedOrigin.BottomLeft => image.flip(1),
        SKEncodedOrigin.LeftTop => image.transpose(1, 2),
        SKEncodedOrigin.RightTop => image.transpose(1, 2).flip(2),
        SKEncodedOrigin.RightBottom => image.transpose(1, 2).flip(1, 2),
        SKEncodedOrigin.LeftBottom => image.transpose(1, 2).flip(1),
        _ => image,
    };
}
