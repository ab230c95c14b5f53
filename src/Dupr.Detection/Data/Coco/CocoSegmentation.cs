using Dupr.Detection.Masks;

namespace Dupr.Detection.Data.Coco;

/// <summary>An annotation's "segmentation": polygons or an RLE mask, convertible to one RLE as pycocotools' annToRLE does.</summary>
public abstract class CocoSegmentation
{
    /// <summary>The mask as one RLE; polygons are rasterised at the image size <paramref name="imageHeight"/> x <paramref name="imageWidth"/>.</summary>
    /// <exception cref="FormatException">The segmentation cannot be converted (malformed RLE string, unusable polygons).</exception>
    public abstract Rle ToRle(int imageHeight, int imageWidth);
}

/// <summary>A segmentation given as polygons [x0, y0, x1, y1, ...]; the object is their union.</summary>
public sealed class CocoPolygons(IReadOnlyList<double[]> polygons) : CocoSegmentation
{
    /// <summary>The polygons as flat coordinate lists.</summary>
    public IReadOnlyList<double[]> Polygons { get; } = polygons;

    public override Rle ToRle(int imageHeight, int imageWidth)
    {
        if (Polygons.Count == 0) return new Rle(imageHeight, imageWidth, [unchecked((uint)((long)imageHeight * imageWidth))]);
        // pycocotools' frPyObjects decides by the first entry: more than 4 values make every entry a polygon;
        // exactly 4 would be taken as boxes but fail in frBbox (it needs an ndarray), fewer are rejected.
        if (Polygons[0].Length <= 4)
            throw new FormatException($"polygon 0 has {Polygons[0].Length} coordinates; pycocotools cannot rasterise a first polygon of fewer than 3 points either");
        var parts = new Rle[Polygons.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = PolygonRasterizer.FromPolygon(Polygons[i], imageHeight, imageWidth);
        return RleMerge.Merge(parts);
    }
}

/// <summary>A segmentation given as RLE, with "counts" as the compressed string or as a list of run lengths.</summary>
public sealed class CocoRleSegmentation : CocoSegmentation
{
    /// <summary>The RLE's own height ("size"[0]); it is used as is, not the image's.</summary>
    public int Height { get; }

    /// <summary>The RLE's own width ("size"[1]).</summary>
    public int Width { get; }

    /// <summary>The compressed counts string, or null for an uncompressed RLE.</summary>
    public string? CompressedCounts { get; }

    /// <summary>The uncompressed run lengths, or null for a compressed RLE.</summary>
    public uint[]? Counts { get; }

    /// <summary>A compressed RLE.</summary>
    public CocoRleSegmentation(int height, int width, string compressedCounts)
    {
        Height = height;
        Width = width;
        CompressedCounts = compressedCounts;
    }

    /// <summary>An uncompressed RLE.</summary>
    public CocoRleSegmentation(int height, int width, uint[] counts)
    {
        Height = height;
        Width = width;
        Counts = counts;
    }

    /// <summary>The compressed form of <paramref name="rle"/>, as results files carry masks.</summary>
    public static CocoRleSegmentation Compress(Rle rle) => new(rle.Height, rle.Width, rle.ToCompressedString());

    public override Rle ToRle(int imageHeight, int imageWidth) =>
        CompressedCounts != null ? Rle.FromCompressedString(CompressedCounts, Height, Width) : new Rle(Height, Width, Counts!);
}
