using Dupr.Detection.Modeling;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

/// <summary>Expected values written from detectron2's generate_cell_anchors and grid_anchors formulas.</summary>
public class AnchorGeneratorTests
{
    // detectron2: w = sqrt(size^2 / ratio), h = ratio * w, anchor = (-w/2, -h/2, w/2, h/2); sizes outer, ratios inner.
    static float[] Cell(double size, double ratio)
    {
        double w = Math.Sqrt(size * size / ratio), h = ratio * w;
        return [(float)(-w / 2), (float)(-h / 2), (float)(w / 2), (float)(h / 2)];
    }

    [Fact]
    public void C4CellAnchorsAreFiveSizesTimesThreeRatios()
    {
        using var scope = NewDisposeScope();
        var generator = AnchorGenerator.C4();
        Assert.Equal(15, generator.NumAnchorsPerLocation);
        var cells = generator.CellAnchorsOf(0).data<float>().ToArray();
        // Known values: size 32, ratio 0.5 -> w = 45.2548, h = 22.6274.
        Assert.Equal(-22.627417f, cells[0], 4);
        Assert.Equal(-11.313708f, cells[1], 4);
        Assert.Equal([-16f, -16f, 16f, 16f], cells[4..8]);
        int k = 0;
        foreach (double size in new[] { 32.0, 64, 128, 256, 512 })
            foreach (double ratio in new[] { 0.5, 1, 2 })
                Assert.Equal(Cell(size, ratio), cells[(4 * k)..(4 * ++k)]);
    }

    [Fact]
    public void GridAnchorsAreLocationMajorShiftsOfTheCellAnchors()
    {
        using var scope = NewDisposeScope();
        var generator = AnchorGenerator.C4();
        var anchors = generator.GridAnchors([(2, 3)])[0];
        Assert.Equal([2L * 3 * 15, 4], anchors.shape);
        var values = anchors.data<float>().ToArray();
        var cells = generator.CellAnchorsOf(0).data<float>().ToArray();
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++)
                for (int a = 0; a < 15; a++)
                {
                    int row = (y * 3 + x) * 15 + a;
                    float[] shift = [16 * x, 16 * y, 16 * x, 16 * y];
                    for (int c = 0; c < 4; c++) Assert.Equal(cells[4 * a + c] + shift[c], values[4 * row + c]);
                }
    }

    [Fact]
    public void FpnHasOneSizePerLevelOnItsStride()
    {
        using var scope = NewDisposeScope();
        var generator = AnchorGenerator.Fpn();
        Assert.Equal(3, generator.NumAnchorsPerLocation);
        Assert.Equal([4, 8, 16, 32, 64], generator.Strides);
        var levels = generator.GridAnchors([(4, 4), (2, 2), (1, 1), (1, 1), (1, 1)]);
        Assert.Equal([48L, 12, 3, 3, 3], levels.Select(l => l.size(0)));
        // P6 (size 512, stride 64), location (0, 0), ratio 1: (-256, -256, 256, 256).
        Assert.Equal([-256f, -256f, 256f, 256f], levels[4][1].data<float>().ToArray());
        // P2 location (y=1, x=2), ratio 2: cell (-11.3137, -22.6274, ...) + (8, 4, 8, 4).
        var expected = Cell(32, 2).Select((v, i) => v + (i % 2 == 0 ? 8f : 4f));
        Assert.Equal(expected, levels[0][(1 * 4 + 2) * 3 + 2].data<float>().ToArray());
    }

    [Fact]
    public void RetinaNetHasThreeScalesTimesThreeRatiosOnP3ToP7()
    {
        using var scope = NewDisposeScope();
        var generator = AnchorGenerator.RetinaNet();
        Assert.Equal(9, generator.NumAnchorsPerLocation);
        Assert.Equal([8, 16, 32, 64, 128], generator.Strides);
        var p7 = generator.CellAnchorsOf(4).data<float>().ToArray();
        int k = 0;
        foreach (double size in new[] { 512.0, 512 * Math.Pow(2, 1 / 3.0), 512 * Math.Pow(2, 2 / 3.0) })
            foreach (double ratio in new[] { 0.5, 1, 2 })
                Assert.Equal(Cell(size, ratio), p7[(4 * k)..(4 * ++k)]);
    }

    [Fact]
    public void OffsetMovesTheFirstCentre()
    {
        using var scope = NewDisposeScope();
        var generator = new AnchorGenerator([[16]], [[1.0]], [8], offset: 0.5);
        Assert.Equal([-4f, -4f, 12f, 12f, 4f, -4f, 20f, 12f], generator.GridAnchors([(1, 2)])[0].data<float>().ToArray());
    }

    [Fact]
    public void MismatchedLevelsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new AnchorGenerator([[32], [64]], [[1.0]], [4, 8, 16]));
        Assert.Throws<ArgumentException>(() => new AnchorGenerator([[32], [64, 128]], [[1.0]], [4, 8]));
    }
}
