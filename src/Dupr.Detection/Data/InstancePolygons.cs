using Dupr.Detection.Masks;
using static TorchSharp.torch;

namespace Dupr.Detection.Data;

/// <summary>The polygon mask of one instance: one or more rings, each flat (x0, y0, x1, y1, ...) in image pixels (COCO's layout).</summary>
public sealed record InstancePolygons(IReadOnlyList<double[]> Rings)
{
    /// <summary>A copy with every point mapped by <paramref name="map"/>.</summary>
    public InstancePolygons Map(Func<double, double, (double X, double Y)> map) =>
        new(Rings.Select(ring =>
        {
            var mapped = new double[ring.Length];
            for (int i = 0; i + 1 < ring.Length; i += 2) (mapped[i], mapped[i + 1]) = map(ring[i], ring[i + 1]);
            return mapped;
        }).ToList());

    /// <summary>The instance rasterised on a <paramref name="height"/> x <paramref name="width"/> pixel grid as pycocotools does (rings unioned): row-major 0/1.</summary>
    public byte[] Rasterize(int height, int width)
    {
        var parts = Rings.Select(r => PolygonRasterizer.FromPolygon(r, height, width)).ToList();
        return parts.Count == 0 ? new byte[height * width] : RleMerge.Merge(parts).ToRowMajor();
    }

    /// <summary>Every instance rasterised over the whole image: bitmap masks [N, H, W] uint8 0/1 (detectron2's bitmask format).</summary>
    public static Tensor Bitmaps(IReadOnlyList<InstancePolygons> instances, int height, int width)
    {
        var pixels = new byte[(long)instances.Count * height * width];
        for (int i = 0; i < instances.Count; i++) instances[i].Rasterize(height, width).CopyTo(pixels, (long)i * height * width);
        return tensor(pixels, [instances.Count, height, width]);
    }
}
