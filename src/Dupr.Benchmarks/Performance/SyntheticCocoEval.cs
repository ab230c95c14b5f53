using Dupr.Detection.Data.Coco;
using Dupr.Detection.Masks;

namespace Dupr.Benchmarks.Performance;

/// <summary>
/// A deterministic COCO-like evaluation workload: 80 categories with COCO's ids, images of 300..640 pixels with
/// 1..13 objects each (7 on average, 1% crowd, sizes spread over small/medium/large), and a fixed number of
/// detections per image, some near objects (mostly the right category), the rest clutter, with scores rounded to
/// 3 decimals so that ties occur. Box results for bbox, compressed-RLE mask results for segm.
/// </summary>
public static class SyntheticCocoEval
{
    /// <summary>COCO's 80 category ids (1..90 with gaps).</summary>
    static readonly long[] CategoryIds = Enumerable.Range(1, 90).Select(i => (long)i)
        .Except([12, 26, 29, 30, 45, 66, 68, 69, 71, 83]).ToArray();

    /// <summary>Generates the ground truth and results for <paramref name="images"/> images.</summary>
    public static (CocoDataset GroundTruth, CocoResults Results) Generate(int images, int detectionsPerImage, bool masks, int seed = 2021)
    {
        var rng = new Random(seed);
        var imageList = new List<CocoImage>(images);
        var annotations = new List<CocoAnnotation>();
        var results = new CocoResults("synthetic");
        var categories = CategoryIds.Select(id => new CocoCategory(id, $"category{id}", "synthetic")).ToList();
        long annotationId = 1;
        for (int i = 0; i < images; i++)
        {
            // Sparse, non-contiguous image ids, as in COCO.
            var image = new CocoImage(100_000 + 7L * i, rng.Next(300, 641), rng.Next(300, 641), $"{100_000 + 7L * i:D12}.jpg");
            imageList.Add(image);
            long[] present = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => Pick(rng, CategoryIds)).ToArray();
            var objects = new List<(long Category, Shape Shape)>();
            int count = rng.Next(1, 14);
            for (int j = 0; j < count; j++)
            {
                long category = Pick(rng, present);
                Shape shape = Shape.Random(rng, image.Width, image.Height);
                bool crowd = rng.NextDouble() < 0.01;
                objects.Add((category, shape));
                CocoSegmentation? segmentation = null;
                double area;
                if (masks)
                {
                    Rle rle = shape.Rasterize(image.Height, image.Width);
                    area = rle.Area();
                    // COCO stores crowd regions as uncompressed RLE and objects as polygons.
                    segmentation = crowd ? new CocoRleSegmentation(rle.Height, rle.Width, rle.Counts) : new CocoPolygons([shape.Polygon]);
                }
                else area = Math.Round(shape.Box.Area * (0.55 + 0.35 * rng.NextDouble()), 2);
                annotations.Add(new CocoAnnotation(annotationId++, image.Id, category, shape.Box, area, crowd, segmentation));
            }
            for (int d = 0; d < detectionsPerImage; d++)
            {
                long category;
                Shape shape;
                double score;
                if (d < objects.Count * 3)
                {
                    // Up to three detections per object: the first close and confident, later ones looser.
                    (long objectCategory, Shape target) = objects[d % objects.Count];
                    double jitter = d < objects.Count ? 0.08 : 0.25;
                    shape = target.Jitter(rng, jitter, image.Width, image.Height);
                    category = rng.NextDouble() < 0.85 ? objectCategory : Pick(rng, CategoryIds);
                    score = d < objects.Count ? 0.5 + 0.5 * rng.NextDouble() : 0.6 * rng.NextDouble();
                }
                else
                {
                    shape = Shape.Random(rng, image.Width, image.Height);
                    category = rng.NextDouble() < 0.5 ? Pick(rng, present) : Pick(rng, CategoryIds);
                    score = 0.4 * rng.NextDouble() * rng.NextDouble();
                }
                score = Math.Round(score, 3);
                if (masks)
                    results.Add(image.Id, category, score, null, CocoRleSegmentation.Compress(shape.Rasterize(image.Height, image.Width)));
                else
                    results.Add(image.Id, category, score, shape.Box, null);
            }
        }
        return (new CocoDataset("synthetic", imageList, categories, annotations), results);
    }

    static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];

    /// <summary>An object: its box and an elliptical polygon inscribed in it.</summary>
    sealed record Shape(BoxXywh Box, double[] Polygon)
    {
        public static Shape Random(Random rng, int width, int height)
        {
            // Log-uniform area from 4x4 to half the image, aspect ratio 1:3..3:1.
            double area = Math.Exp(Math.Log(16) + rng.NextDouble() * (Math.Log(0.5 * width * height) - Math.Log(16)));
            double aspect = Math.Exp((rng.NextDouble() * 2 - 1) * Math.Log(3));
            double w = Math.Min(width - 1, Math.Sqrt(area * aspect)), h = Math.Min(height - 1, Math.Sqrt(area / aspect));
            double x = rng.NextDouble() * (width - w), y = rng.NextDouble() * (height - h);
            return FromBox(rng, x, y, w, h);
        }

        public Shape Jitter(Random rng, double amount, int width, int height)
        {
            double Noise(double scale) => (rng.NextDouble() * 2 - 1) * amount * scale;
            double x = Math.Clamp(Box.X + Noise(Box.W), 0, width - 1), y = Math.Clamp(Box.Y + Noise(Box.H), 0, height - 1);
            double w = Math.Clamp(Box.W + Noise(Box.W), 1, width - x), h = Math.Clamp(Box.H + Noise(Box.H), 1, height - y);
            return FromBox(rng, x, y, w, h);
        }

        public Rle Rasterize(int height, int width) => PolygonRasterizer.FromPolygon(Polygon, height, width);

        static Shape FromBox(Random rng, double x, double y, double w, double h)
        {
            int vertices = rng.Next(8, 17);
            var polygon = new double[2 * vertices];
            for (int v = 0; v < vertices; v++)
            {
                double angle = 2 * Math.PI * v / vertices, radius = 0.8 + 0.2 * rng.NextDouble();
                polygon[2 * v] = Math.Round(x + w / 2 + radius * w / 2 * Math.Cos(angle), 2);
                polygon[2 * v + 1] = Math.Round(y + h / 2 + radius * h / 2 * Math.Sin(angle), 2);
            }
            return new Shape(new BoxXywh(Math.Round(x, 2), Math.Round(y, 2), Math.Round(w, 2), Math.Round(h, 2)), polygon);
        }
    }
}
