using Dupr.Core.Runtime;

namespace Dupr.Core.Imaging;

/// <summary>
/// The largest image (width x height) <see cref="ImageDecoder"/> decodes, checked from the header before any pixel is
/// allocated, as PIL's Image.MAX_IMAGE_PIXELS: a file of a few bytes can claim dimensions that need gigabytes.
/// </summary>
/// <remarks>
/// The default is PIL's. The environment variable <see cref="EnvironmentVariable"/> (a pixel count; 0: no limit)
/// sets it for a process, e.g. for a dataset of large aerial images; <see cref="Pixels"/> sets it in code.
/// </remarks>
public static class ImagePixelLimit
{
    /// <summary>The environment variable that overrides the default.</summary>
    public const string EnvironmentVariable = "DUPR_MAX_IMAGE_PIXELS";

    /// <summary>PIL's MAX_IMAGE_PIXELS: 1024 * 1024 * 1024 / 4 / 3.</summary>
    public const long Default = 89_478_485;

    static readonly Lazy<long> FromEnvironment = new(() => Parse(Environment.GetEnvironmentVariable(EnvironmentVariable)));
    static long? _pixels;

    /// <summary>The limit in pixels; 0 means none (images are then bounded only by what one buffer can hold).</summary>
    public static long Pixels
    {
        get => _pixels ?? FromEnvironment.Value;
        set => _pixels = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be 0 (no limit) or positive");
    }

    /// <summary>The limit <paramref name="text"/> (the environment variable's value) sets; the default when it is unset.</summary>
    public static long Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Default;
        return long.TryParse(text.Trim(), out long pixels) && pixels >= 0
            ? pixels
            : throw new DuprException($"{EnvironmentVariable}: expected a pixel count (0 for no limit), got '{text}'");
    }

    /// <summary>Throws <see cref="DataFileException"/> naming <paramref name="name"/> when a <paramref name="width"/> x <paramref name="height"/> image exceeds <paramref name="limit"/>.</summary>
    public static void Check(string name, int width, int height, long limit)
    {
        long pixels = (long)width * height;
        if (limit > 0 && pixels > limit)
            throw new DataFileException(name, $"image of {width}x{height} pixels exceeds the limit of {limit} pixels ({EnvironmentVariable} raises it)");
    }
}
