namespace Dupr.Benchmarks.Synthetic;

/// <summary>The few polygon operations the generator needs: area, containment, clipping to the image.</summary>
public static class PolygonMath
{
    /// <summary>Absolute area by the shoelace formula.</summary>
    public static double Area(IReadOnlyList<(double X, double Y)> polygon)
    {
        double twice = 0;
        for (int i = 0; i < polygon.Count; i++)
        {
            var (x0, y0) = polygon[i];
            var (x1, y1) = polygon[(i + 1) % polygon.Count];
            twice += x0 * y1 - x1 * y0;
        }
        return Math.Abs(twice) / 2;
    }

    /// <summary>Even-odd point-in-polygon test.</summary>
    public static bool Contains(IReadOnlyList<(double X, double Y)> polygon, double x, double y)
    {
        bool inside = false;
        for (int i = 0, j = polygon.Count - 1; i < polygon.Count; j = i++)
        {
            var (xi, yi) = polygon[i];
            var (xj, yj) = polygon[j];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
    }

    /// <summary>Clips a polygon to the rectangle [0, width] x [0, height] (Sutherland-Hodgman).</summary>
    public static List<(double X, double Y)> ClipToRectangle(IReadOnlyList<(double X, double Y)> polygon, double width, double height)
    {
        var result = polygon.ToList();
        result = ClipEdge(result, p => p.X >= 0, (a, b) => Cross(a, b, (a.X - 0) / (a.X - b.X)));
        result = ClipEdge(result, p => p.X <= width, (a, b) => Cross(a, b, (a.X - width) / (a.X - b.X)));
        result = ClipEdge(result, p => p.Y >= 0, (a, b) => Cross(a, b, (a.Y - 0) / (a.Y - b.Y)));
        result = ClipEdge(result, p => p.Y <= height, (a, b) => Cross(a, b, (a.Y - height) / (a.Y - b.Y)));
        return result;
    }

    /// <summary>Axis-aligned bounds of a polygon: x1, y1, x2, y2.</summary>
    public static (double X1, double Y1, double X2, double Y2) Bounds(IReadOnlyList<(double X, double Y)> polygon) =>
        (polygon.Min(p => p.X), polygon.Min(p => p.Y), polygon.Max(p => p.X), polygon.Max(p => p.Y));

    static (double X, double Y) Cross((double X, double Y) a, (double X, double Y) b, double t) =>
        (a.X + t * (b.X - a.X), a.Y + t * (b.Y - a.Y));

    static List<(double X, double Y)> ClipEdge(List<(double X, double Y)> input, Func<(double X, double Y), bool> inside,
        Func<(double X, double Y), (double X, double Y), (double X, double Y)> intersect)
    {
        var output = new List<(double X, double Y)>();
        for (int i = 0; i < input.Count; i++)
        {
            var current = input[i];
            var previous = input[(i + input.Count - 1) % input.Count];
            bool currentIn = inside(current), previousIn = inside(previous);
            if (currentIn)
            {
                if (!previousIn) output.Add(intersect(previous, current));
                output.Add(current);
            }
            else if (previousIn)
            {
                output.Add(intersect(previous, current));
            }
        }
        return output;
    }
}
