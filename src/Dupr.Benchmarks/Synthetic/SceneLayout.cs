namespace Dupr.Benchmarks.Synthetic;

/// <summary>Chooses the image size and where the objects go; rendering is separate (<see cref="SceneRenderer"/>).</summary>
public static class SceneLayout
{
    const int MaxObjects = 6;
    const double MinVisible = 0.35;    // less than this is dropped: too hidden to label honestly
    const double DifficultVisible = 0.6;
    const double DifficultSide = 8;    // pixels
    const double MaxBoxOverlap = 0.5;  // IoU above which a placement is retried

    /// <summary>Lays out one image with 1..6 objects of <paramref name="classes"/> classes.</summary>
    public static Scene Create(Random rng, int size, int classes)
    {
        int width = (int)Math.Round(size * (0.75 + 0.5 * rng.NextDouble()));
        int height = (int)Math.Round(size * (0.75 + 0.5 * rng.NextDouble()));
        int count = 1 + rng.Next(MaxObjects);
        var placed = new List<(int Class, List<(double X, double Y)> Polygon)>();
        for (int i = 0; i < count; i++)
        {
            for (int attempt = 0; attempt < 10; attempt++)
            {
                int cls = rng.Next(classes);
                var polygon = Place(rng, cls, width, height);
                var box = PolygonMath.Bounds(polygon);
                if (placed.All(p => Iou(PolygonMath.Bounds(p.Polygon), box) <= MaxBoxOverlap))
                {
                    placed.Add((cls, polygon));
                    break;
                }
            }
        }
        // Dropping a hidden object can only uncover others, so one more pass settles it.
        var visibility = Visibility(placed, width, height);
        placed = placed.Where((_, i) => visibility[i] >= MinVisible).ToList();
        visibility = Visibility(placed, width, height);

        var objects = new List<SceneObject>();
        for (int i = 0; i < placed.Count; i++)
        {
            var clipped = PolygonMath.ClipToRectangle(placed[i].Polygon, width, height);
            var box = PolygonMath.Bounds(clipped);
            bool difficult = visibility[i] < DifficultVisible || Math.Min(box.X2 - box.X1, box.Y2 - box.Y1) < DifficultSide;
            objects.Add(new SceneObject(placed[i].Class, clipped, box, PolygonMath.Area(clipped), visibility[i], difficult));
        }
        return new Scene(width, height, objects);
    }

    /// <summary>
    /// Lays out an object-centric image, as ImageNet's are: one object of <paramref name="classes"/> classes, 45%-85% of the short
    /// side, near the centre (for unlabeled pre-training images; the paper pre-trains on ImageNet and fine-tunes on scenes).
    /// </summary>
    public static Scene CreateObjectCentric(Random rng, int size, int classes)
    {
        int width = (int)Math.Round(size * (0.75 + 0.5 * rng.NextDouble()));
        int height = (int)Math.Round(size * (0.75 + 0.5 * rng.NextDouble()));
        int cls = rng.Next(classes);
        double shortSide = Math.Min(width, height);
        double side = shortSide * (0.45 + 0.4 * rng.NextDouble());
        double aspect = Math.Exp((rng.NextDouble() - 0.5) * 0.8);
        double angle = (rng.NextDouble() - 0.5) * 0.6;
        double cx = width * (0.5 + 0.3 * (rng.NextDouble() - 0.5)), cy = height * (0.5 + 0.3 * (rng.NextDouble() - 0.5));
        var outline = Outline(cls, side * Math.Sqrt(aspect) / 2, side / Math.Sqrt(aspect) / 2, angle, cx, cy);
        var polygon = PolygonMath.ClipToRectangle(outline, width, height);
        var box = PolygonMath.Bounds(polygon);
        return new Scene(width, height, [new SceneObject(cls, polygon, box, PolygonMath.Area(polygon), 1, Difficult: false)]);
    }

    // Scale from 12% to 55% of the short side (log-uniform), aspect 0.67..1.5, a small rotation;
    // the centre keeps at least ~60% of the object inside the image.
    static List<(double X, double Y)> Place(Random rng, int cls, int width, int height)
    {
        double shortSide = Math.Min(width, height);
        double side = shortSide * Math.Exp(Math.Log(0.12) + rng.NextDouble() * (Math.Log(0.55) - Math.Log(0.12)));
        double aspect = Math.Exp((rng.NextDouble() - 0.5) * 0.8);
        double halfW = side * Math.Sqrt(aspect) / 2, halfH = side / Math.Sqrt(aspect) / 2;
        double angle = (rng.NextDouble() - 0.5) * 0.6;
        double cx = halfW * 0.6 + rng.NextDouble() * Math.Max(1, width - 1.2 * halfW);
        double cy = halfH * 0.6 + rng.NextDouble() * Math.Max(1, height - 1.2 * halfH);
        return Outline(cls, halfW, halfH, angle, cx, cy);
    }

    // The class's unit outline scaled to half-sides halfW x halfH, rotated by angle and centred at (cx, cy).
    static List<(double X, double Y)> Outline(int cls, double halfW, double halfH, double angle, double cx, double cy)
    {
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        return ShapeCatalog.UnitOutline(cls)
            .Select(p => (X: p.X * halfW, Y: p.Y * halfH))
            .Select(p => (cx + p.X * cos - p.Y * sin, cy + p.X * sin + p.Y * cos))
            .ToList();
    }

    // Per object: the share of its outline's area (sampled at pixel centres) that is inside the
    // image and not covered by an object drawn after it.
    static double[] Visibility(List<(int Class, List<(double X, double Y)> Polygon)> placed, int width, int height)
    {
        var result = new double[placed.Count];
        for (int i = 0; i < placed.Count; i++)
        {
            var polygon = placed[i].Polygon;
            var (x1, y1, x2, y2) = PolygonMath.Bounds(polygon);
            int inside = 0, seen = 0;
            for (int y = (int)Math.Floor(y1); y <= (int)Math.Ceiling(y2); y++)
            for (int x = (int)Math.Floor(x1); x <= (int)Math.Ceiling(x2); x++)
            {
                if (!PolygonMath.Contains(polygon, x + 0.5, y + 0.5)) continue;
                inside++;
                bool inImage = x >= 0 && y >= 0 && x < width && y < height;
                if (inImage && !placed.Skip(i + 1).Any(p => PolygonMath.Contains(p.Polygon, x + 0.5, y + 0.5))) seen++;
            }
            result[i] = inside == 0 ? 0 : (double)seen / inside;
        }
        return result;
    }

    static double Iou((double X1, double Y1, double X2, double Y2) a, (double X1, double Y1, double X2, double Y2) b)
    {
        double w = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1), h = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
        if (w <= 0 || h <= 0) return 0;
        double inter = w * h;
        return inter / ((a.X2 - a.X1) * (a.Y2 - a.Y1) + (b.X2 - b.X1) * (b.Y2 - b.Y1) - inter);
    }
}
