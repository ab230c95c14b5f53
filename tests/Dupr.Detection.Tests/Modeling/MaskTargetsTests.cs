using Dupr.Core.Runtime;
using Dupr.Detection.Data;
using Dupr.Detection.Modeling.RoiHeads;
using static TorchSharp.torch;

namespace Dupr.Detection.Tests.Modeling;

public class MaskTargetsTests
{
    static InstancePolygons Rectangle(double x0, double y0, double x1, double y1) => new([new[] { x0, y0, x1, y0, x1, y1, x0, y1 }]);

    static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    [Fact]
    public void PolygonIsCroppedToTheProposalAndRasterisedAtMByM()
    {
        using var scope = NewDisposeScope();
        // The rectangle x 10..20, y 10..30 in the proposal (5, 10)..(25, 30) scaled by 4 / 20: x 1..3, y 0..4 of a 4x4 mask,
        // i.e. columns 1 and 2 (pycocotools fills the pixels whose centres lie inside).
        var polygons = new[] { Rectangle(10, 10, 20, 30) };
        var targets = MaskTargets.FromPolygons(polygons, tensor(new float[] { 5, 10, 25, 30 }).view(1, 4), tensor(new long[] { 0 }), 4);
        Assert.Equal([1L, 4, 4], targets.shape);
        Assert.Equal(ScalarType.Float32, targets.dtype);
        float[] row = [0, 1, 1, 0];
        Assert.Equal(Enumerable.Repeat(row, 4).SelectMany(r => r).ToArray(), Values(targets));
    }

    [Fact]
    public void PolygonBeyondTheBoxIsClippedAndRingsAreUnioned()
    {
        using var scope = NewDisposeScope();
        // Instance 1 has two rings: the left quarter of the box and a square sticking out past its bottom-right corner.
        var polygons = new[]
        {
            Rectangle(0, 0, 1, 1),
            new InstancePolygons([new double[] { 0, 0, 2, 0, 2, 8, 0, 8 }, new double[] { 6, 6, 12, 6, 12, 12, 6, 12 }]),
        };
        var targets = MaskTargets.FromPolygons(polygons, tensor(new float[] { 0, 0, 8, 8 }).view(1, 4), tensor(new long[] { 1 }), 4);
        float[] expected =
        [
            1, 0, 0, 0,
            1, 0, 0, 0,
            1, 0, 0, 0,
            1, 0, 0, 1,
        ];
        Assert.Equal(expected, Values(targets));
    }

    [Fact]
    public void BitmapIsRoiAlignedAndThresholdedAtOneHalf()
    {
        using var scope = NewDisposeScope();
        // Columns 0..1 of a 4x4 bitmap: over the whole image that is the left half of a 2x2 target; over the left
        // half, all of it. Aligned RoIAlign samples exactly at pixel centres here.
        var bitmap = zeros(1, 4, 4, ScalarType.Byte);
        bitmap[0, .., 0..2] = tensor((byte)1);
        var boxes = tensor(new float[] { 0, 0, 4, 4, 0, 0, 2, 4 }).view(2, 4);
        var targets = MaskTargets.FromBitmaps(bitmap, boxes, tensor(new long[] { 0, 0 }), 2);
        Assert.Equal(new float[] { 1, 0, 1, 0, 1, 1, 1, 1 }, Values(targets));
    }

    [Fact]
    public void SamplesPreferPolygonsAndMaskRcnnNeedsSomeMask()
    {
        using var scope = NewDisposeScope();
        var sample = new DetectionSample
        {
            Image = zeros(3, 8, 8), Boxes = tensor(new float[] { 0, 0, 4, 8 }).view(1, 4), Classes = tensor(new long[] { 0 }),
            Polygons = [Rectangle(0, 0, 4, 8)], Masks = zeros(1, 8, 8, ScalarType.Byte), ImageId = 7,
        };
        var box = tensor(new float[] { 0, 0, 4, 8 }).view(1, 4);
        Assert.Equal(4, MaskTargets.Create(sample, box, tensor(new long[] { 0 }), 2).sum().item<float>());
        var boxOnly = sample with { Polygons = null, Masks = null };
        var error = Assert.Throws<DuprException>(() => MaskTargets.Create(boxOnly, box, tensor(new long[] { 0 }), 2));
        Assert.Contains("image 7", error.Message);
    }

    [Fact]
    public void PolygonsRasteriseIntoImageBitmapsThatGiveTheSameTargetsUpToTheEdges()
    {
        using var scope = NewDisposeScope();
        // A triangle and a two-ring instance on a 40 x 60 image.
        var polygons = new[]
        {
            new InstancePolygons([new double[] { 4, 4, 36, 8, 12, 36 }]),
            new InstancePolygons([new double[] { 30, 2, 58, 2, 58, 20, 30, 20 }, new double[] { 40, 24, 50, 24, 50, 38, 40, 38 }]),
        };
        var bitmaps = InstancePolygons.Bitmaps(polygons, 40, 60);
        Assert.Equal([2L, 40, 60], bitmaps.shape);
        Assert.Equal(ScalarType.Byte, bitmaps.dtype);
        // The image-wide raster is the polygon's own over the whole image.
        Assert.Equal(polygons[1].Rasterize(40, 60), bitmaps[1].contiguous().data<byte>().ToArray());
        Assert.Equal(18 * 28 + 10 * 14, bitmaps[1].sum().item<long>()); // pixel centres inside the two rectangles

        // The device path (bitmaps cut by RoIAlign, detectron2's bitmask format) against the exact polygon crop.
        var boxes = tensor(new float[] { 2, 2, 38, 38, 28, 0, 60, 40, 6, 6, 30, 30 }).view(3, 4);
        var instances = tensor(new long[] { 0, 1, 0 });
        var fromPolygons = MaskTargets.FromPolygons(polygons, boxes, instances, 28);
        var fromBitmaps = MaskTargets.FromBitmaps(bitmaps, boxes, instances, 28);
        for (int i = 0; i < 3; i++)
        {
            double intersection = fromPolygons[i].mul(fromBitmaps[i]).sum().item<float>();
            double union = fromPolygons[i].add(fromBitmaps[i], Dupr.Core.Runtime.Scalars.One).clamp_max(Dupr.Core.Runtime.Scalars.S(1)).sum().item<float>();
            Assert.True(intersection / union > 0.9, $"target {i}: IoU {intersection / union:0.000}");
        }
    }
}
