using Dupr.Benchmarks.Probes;
using Dupr.Core.Imaging;
using Dupr.Tests;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Tests.Probes;

/// <summary>
/// Test feature maps that encode position exactly: images whose red and green channels hold each pixel's own original x and
/// y (as fractions of the image size), pooled per cell and embedded by Gaussian bumps on a fine grid, so that the most
/// cosine-similar cell is the one nearest in the original image. With <c>constant</c>, every cell is the same vector.
/// </summary>
internal sealed class PositionFeatureMaps(bool constant = false) : IFeatureMaps
{
    const int Grid = 40;
    const double Sigma = 0.02;

    public IReadOnlyList<string> Levels { get; } = ["res4", "res5"];

    public int Stride(string level) => level == "res4" ? 8 : 16;

    public OrderedDictionary<string, Tensor> Compute(Tensor images)
    {
        using var scope = NewDisposeScope();
        var mean = tensor(ImageTensor.ImageNetMean).view(1, 3, 1, 1);
        var std = tensor(ImageTensor.ImageNetStd).view(1, 3, 1, 1);
        var xy = images.mul(std).add(mean, One).narrow(1, 0, 2);                                   // [N, 2, H, W] in [0, 1]
        var result = new OrderedDictionary<string, Tensor>();
        foreach (string level in Levels)
        {
            int s = Stride(level);
            var cells = nn.functional.avg_pool2d(xy, s, s, ceil_mode: true);                  // [N, 2, h, w], as a conv net's map covers the image
            var centres = linspace(-0.1, 1.1, Grid);
            var dx = cells.narrow(1, 0, 1).unsqueeze(2) - centres.view(1, 1, Grid, 1, 1);     // [N, 1, G, h, w]
            var dy = cells.narrow(1, 1, 1).unsqueeze(2) - centres.view(1, 1, Grid, 1, 1);
            var bumps = dx.pow(S(2)).unsqueeze(3).add(dy.pow(S(2)).unsqueeze(2), One).div(S(-2 * Sigma * Sigma)).exp();  // [N, 1, G, G, h, w]
            var map = bumps.flatten(1, 3);                                                    // [N, G*G, h, w]
            result[level] = (constant ? ones_like(map) : map).MoveToOuterDisposeScope();
        }
        return result;
    }

    /// <summary>
    /// Writes <paramref name="count"/> PNGs whose red channel is x / width and green y / height (8 bits), of about 96 x 80 px,
    /// or all <paramref name="square"/> x <paramref name="square"/> when given.
    /// </summary>
    public static List<string> WriteCoordinateImages(TempDirectory folder, int count, int? square = null)
    {
        var files = new List<string>();
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            int width = square ?? 96 + 4 * i, height = square ?? 80 + 2 * i;
            var x = arange(S(0), S(width), S(1), dtype: ScalarType.Float32).add(S(0.5), One).div(S(width)).view(1, 1, -1).expand(1, height, width);
            var y = arange(S(0), S(height), S(1), dtype: ScalarType.Float32).add(S(0.5), One).div(S(height)).view(1, -1, 1).expand(1, height, width);
            var image = cat([x, y, full(1, height, width, S(0.5f))], 0).mul(S(255)).round().to_type(ScalarType.Byte);
            string path = folder.File($"coords{i:D2}.png");
            File.WriteAllBytes(path, ImageEncoder.EncodePng(image));
            files.Add(path);
        }
        return files;
    }
}
