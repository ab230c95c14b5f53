namespace Dupr.Benchmarks.Synthetic;

/// <summary>One annotated object of a synthetic image, in pixel coordinates (x right, y down, edges at integers).</summary>
/// <param name="ClassIndex">0-based class (see <see cref="ShapeCatalog"/>).</param>
/// <param name="Polygon">The full outline clipped to the image (amodal: occluded parts included).</param>
/// <param name="Box">Bounds of <paramref name="Polygon"/>: x1, y1, x2, y2.</param>
/// <param name="Area">Area of <paramref name="Polygon"/> in pixels.</param>
/// <param name="Visible">Fraction of the outline's area that is inside the image and not covered by later objects.</param>
/// <param name="Difficult">Small or heavily hidden: VOC's difficult flag.</param>
public sealed record SceneObject(
    int ClassIndex,
    IReadOnlyList<(double X, double Y)> Polygon,
    (double X1, double Y1, double X2, double Y2) Box,
    double Area,
    double Visible,
    bool Difficult);

/// <summary>A generated image's size and its objects in drawing order (later ones on top).</summary>
public sealed record Scene(int Width, int Height, IReadOnlyList<SceneObject> Objects);
