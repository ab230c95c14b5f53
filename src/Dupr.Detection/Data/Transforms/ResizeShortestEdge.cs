using Dupr.Core.Imaging;
using Dupr.Core.Runtime;
using static TorchSharp.torch;

namespace Dupr.Detection.Data.Transforms;

/// <summary>How <see cref="ResizeShortestEdge"/> picks the short-edge length (detectron2's sample_style).</summary>
public enum ShortEdgeSampling
{
    /// <summary>One of the listed lengths, uniformly.</summary>
    Choice,

    /// <summary>Any integer between the first and the last listed length, inclusive.</summary>
    Range,
}

/// <summary>
/// detectron2's ResizeShortestEdge: scales the image so its short edge has a length drawn from a list,
/// unless the long edge would exceed the max size, in which case the long edge gets the max size.
/// Boxes, polygons and bitmap masks follow.
/// </summary>
public sealed class ResizeShortestEdge
{
    readonly int[] _lengths;
    readonly int _maxSize;
    readonly ShortEdgeSampling _sampling;

    /// <summary>Short edges from <paramref name="lengths"/> (e.g. 480..800 step 32), long edge at most <paramref name="maxSize"/>.</summary>
    public ResizeShortestEdge(IReadOnlyList<int> lengths, int maxSize, ShortEdgeSampling sampling = ShortEdgeSampling.Choice)
    {
        if (lengths.Count == 0 || lengths.Any(l => l <= 0)) throw new ArgumentException("need at least one positive short-edge length", nameof(lengths));
        if (sampling == ShortEdgeSampling.Range && lengths.Count != 2) throw new ArgumentException("range sampling needs [min, max]", nameof(lengths));
        if (maxSize <= 0) throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, "must be positive");
        _lengths = [.. lengths];
        _maxSize = maxSize;
        _sampling = sampling;
    }

    /// <summary>detectron2's get_output_shape: the (height, width) for a short edge of <paramref name="shortEdge"/>.</summary>
    public static (int Height, int Width) OutputSize(int height, int width, int shortEdge, int maxSize)
    {
        double scale = (double)shortEdge / Math.Min(height, width);
        double newHeight, newWidth;
        if (height < width) (newHeight, newWidth) = (shortEdge, scale * width);
        else (newHeight, newWidth) = (scale * height, shortEdge);
        if (Math.Max(newHeight, newWidth) > maxSize)
        {
            double shrink = (double)maxSize / Math.Max(newHeight, newWidth);
            newHeight *= shrink;
            newWidth *= shrink;
        }
        return ((int)(newHeight + 0.5), (int)(newWidth + 0.5));
    }

    /// <summary>The short-edge length to use, drawn from <paramref name="rng"/>.</summary>
    public int SampleLength(SampleRng rng) => _sampling == ShortEdgeSampling.Choice
        ? _lengths[rng.NextInt(_lengths.Length)]
        : rng.NextInt(_lengths[0], _lengths[1] + 1);

    /// <summary>Resizes <paramref name="sample"/> to a randomly drawn short edge.</summary>
    public DetectionSample Apply(DetectionSample sample, SampleRng rng) => Apply(sample, SampleLength(rng));

    /// <summary>Resizes <paramref name="sample"/> to short edge <paramref name="shortEdge"/> (bilinear, antialiased like PIL).</summary>
    public DetectionSample Apply(DetectionSample sample, int shortEdge)
    {
        var (height, width) = OutputSize(sample.Height, sample.Width, shortEdge, _maxSize);
        double sx = (double)width / sample.Width, sy = (double)height / sample.Height;
        using var scope = NewDisposeScope();
        var result = sample with
        {
            Image = ImageGeometry.Resize(sample.Image, height, width),
            Boxes = sample.Boxes * tensor(new[] { (float)sx, (float)sy, (float)sx, (float)sy }),
            Classes = sample.Classes.alias(),
            Polygons = sample.Polygons?.Select(p => p.Map((x, y) => (x * sx, y * sy))).ToList(),
            Masks = sample.Masks is null ? null : ImageGeometry.ResizeNearest(sample.Masks, height, width),
            Difficult = sample.Difficult?.alias(),
        };
        scope.MoveToOuter(result.Tensors);
        return result;
    }
}
