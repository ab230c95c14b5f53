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
}
