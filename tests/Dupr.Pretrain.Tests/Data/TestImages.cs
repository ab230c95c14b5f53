using Dupr.Core.Imaging;
using TorchSharp;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Tests.Data;

/// <summary>Images for the pre-training data tests.</summary>
static class TestImages
{
    /// <summary>Channel 0 = (x + 0.5) / W and channel 1 = (y + 0.5) / H at pixel (x, y): each pixel holds its own centre's coordinates.</summary>
    public static Tensor CoordinateRamps(int height, int width)
    {
        using var scope = NewDisposeScope();
        Tensor x = arange(S(0), S(width), S(1), ScalarType.Float32).add(S(0.5), One).div(S(width)).view(1, width).expand(height, width);
        Tensor y = arange(S(0), S(height), S(1), ScalarType.Float32).add(S(0.5), One).div(S(height)).view(height, 1).expand(height, width);
        return stack([x, y, full([height, width], S(0.5f))]).MoveToOuterDisposeScope();
    }

    /// <summary>A smooth colourful uint8 image (sinusoids with periods of 25 to 45 px), different per <paramref name="seed"/>.</summary>
    public static Tensor Smooth(int height, int width, int seed)
    {
        using var scope = NewDisposeScope();
        var rng = new Random(seed);
        Tensor y = arange(S(0), S(height), S(1), ScalarType.Float32).view(height, 1);
        Tensor x = arange(S(0), S(width), S(1), ScalarType.Float32).view(1, width);
        var channels = new Tensor[3];
        for (int c = 0; c < 3; c++)
        {
            double fx = 2 * Math.PI / (25 + rng.Next(21)), fy = 2 * Math.PI / (25 + rng.Next(21)), phase = rng.NextDouble() * 6;
            channels[c] = x.mul(S(fx)).add(y.mul(S(fy)), One).add(S(phase), One).sin().mul(S(0.4)).add(S(0.5), One);
        }
        return ImageTensor.ToUInt8(stack(channels)).MoveToOuterDisposeScope();
    }

    /// <summary>Writes <paramref name="count"/> smooth images of varied sizes into <paramref name="folder"/> (two subfolders, PNG and JPEG).</summary>
    public static void WriteFolder(string folder, int count)
    {
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            Tensor image = Smooth(40 + 7 * (i % 4), 48 + 5 * (i % 5), i);
            string name = Path.Combine(folder, i % 2 == 0 ? "n01" : "n02", $"img{i:D3}{(i % 3 == 0 ? ".png" : ".jpg")}");
            ImageEncoder.Save(image, name, jpegQuality: 95);
        }
    }

    /// <summary>Bilinear sample of channel <paramref name="c"/> of a [3, S, S] float array at pixel-index coordinates (px, py).</summary>
    public static double Bilinear(float[] view, int size, int c, double px, double py)
    {
        int x0 = (int)Math.Floor(px), y0 = (int)Math.Floor(py);
        double fx = px - x0, fy = py - y0;
        double At(int x, int y) => view[c * size * size + Math.Clamp(y, 0, size - 1) * size + Math.Clamp(x, 0, size - 1)];
        return (1 - fy) * ((1 - fx) * At(x0, y0) + fx * At(x0 + 1, y0)) + fy * ((1 - fx) * At(x0, y0 + 1) + fx * At(x0 + 1, y0 + 1));
    }
}
