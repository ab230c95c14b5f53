using Dupr.Pretrain.Geometry;

namespace Dupr.Pretrain.Tests.Geometry;

public class ViewGeometryTests
{
    [Fact]
    public void IntersectionFollowsEquationFour()
    {
        Assert.Equal(new Box(20, 10, 60, 50), ViewGeometry.Intersection(new Box(0, 10, 60, 80), new Box(20, 0, 100, 50)));
        Assert.Null(ViewGeometry.Intersection(new Box(0, 0, 10, 10), new Box(10, 0, 20, 10))); // touching edges: no area
    }

    [Fact]
    public void BoxMapsIntoAResizedView()
    {
        var view = new ViewFrame(new Box(10, 20, 110, 70), Width: 200, Height: 100, Flipped: false);
        Assert.Equal(new Box(20, 20, 120, 60), ViewGeometry.ToView(new Box(20, 30, 70, 50), view));
    }

    [Fact]
    public void FlippedViewMirrorsTheBox()
    {
        var view = new ViewFrame(new Box(10, 20, 110, 70), Width: 200, Height: 100, Flipped: true);
        // The original box's left edge (x 20 -> 20 in an unflipped view) lands on the mirrored box's right edge (200 - 20).
        Assert.Equal(new Box(80, 20, 180, 60), ViewGeometry.ToView(new Box(20, 30, 70, 50), view));
    }
}
