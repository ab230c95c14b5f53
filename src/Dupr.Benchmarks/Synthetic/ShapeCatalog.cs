namespace Dupr.Benchmarks.Synthetic;

/// <summary>How an object's surface is painted; each class has its own, so texture carries class evidence too.</summary>
public enum SurfaceTexture { Solid, Stripes, Checker, Dots, Gradient, Rings, Noise, Grid }

/// <summary>The object classes of the synthetic world: a distinct outline and surface texture each.</summary>
public static class ShapeCatalog
{
    static readonly (string Name, SurfaceTexture Texture)[] Classes =
    [
        ("circle", SurfaceTexture.Solid),
        ("square", SurfaceTexture.Stripes),
        ("triangle", SurfaceTexture.Checker),
        ("star", SurfaceTexture.Dots),
        ("cross", SurfaceTexture.Gradient),
        ("hexagon", SurfaceTexture.Rings),
        ("diamond", SurfaceTexture.Noise),
        ("arrow", SurfaceTexture.Grid),
    ];

    /// <summary>How many classes exist.</summary>
    public static int Count => Classes.Length;

    /// <summary>The name of class <paramref name="index"/> (0-based).</summary>
    public static string Name(int index) => Classes[index].Name;

    /// <summary>The surface texture of class <paramref name="index"/>.</summary>
    public static SurfaceTexture Texture(int index) => Classes[index].Texture;

    /// <summary>The outline of class <paramref name="index"/> in unit coordinates ([-1, 1] square), counter-clockwise.</summary>
    public static IReadOnlyList<(double X, double Y)> UnitOutline(int index) => Classes[index].Name switch
    {
        "circle" => Regular(32, 0),
        "square" => Regular(4, Math.PI / 4, radius: Math.Sqrt(2)),
        "triangle" => Regular(3, -Math.PI / 2),
        "star" => Star(5, 1.0, 0.45),
        "cross" => Polyline([(-0.33, -1), (0.33, -1), (0.33, -0.33), (1, -0.33), (1, 0.33), (0.33, 0.33), (0.33, 1), (-0.33, 1), (-0.33, 0.33), (-1, 0.33), (-1, -0.33), (-0.33, -0.33)]),
        "hexagon" => Regular(6, 0),
        "diamond" => Polyline([(0, -1), (0.6, 0), (0, 1), (-0.6, 0)]),
        "arrow" => Polyline([(-1, -0.3), (0.2, -0.3), (0.2, -0.8), (1, 0), (0.2, 0.8), (0.2, 0.3), (-1, 0.3)]),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    static List<(double, double)> Regular(int sides, double phase, double radius = 1.0) =>
        Enumerable.Range(0, sides)
            .Select(i => phase + 2 * Math.PI * i / sides)
            .Select(a => (Math.Clamp(radius * Math.Cos(a), -1, 1), Math.Clamp(radius * Math.Sin(a), -1, 1)))
            .ToList();

    static List<(double, double)> Star(int points, double outer, double inner) =>
        Enumerable.Range(0, 2 * points)
            .Select(i => (Angle: -Math.PI / 2 + Math.PI * i / points, Radius: i % 2 == 0 ? outer : inner))
            .Select(p => (p.Radius * Math.Cos(p.Angle), p.Radius * Math.Sin(p.Angle)))
            .ToList();

    static List<(double, double)> Polyline((double, double)[] points) => points.ToList();
}
