using Dupr.Detection.Data.Coco;
using Dupr.Detection.Masks;

namespace Dupr.Detection.Tests.Masks;

/// <summary>Hand-checkable mask API behaviour and its error cases.</summary>
public sealed class MaskApiTests
{
    [Fact]
    public void EncodesColumnMajorRunsStartingWithZeros()
    {
        // 2x3 mask, row-major: [1 0 1; 1 0 0] -> column-major 1 1 0 0 1 0.
        Rle rle = Rle.FromRowMajor([1, 0, 1, 1, 0, 0], 2, 3);
        Assert.Equal([0u, 2, 2, 1, 1], rle.Counts);
        Assert.Equal(3u, rle.Area());
        Assert.Equal(new BoxXywh(0, 0, 3, 2), rle.ToBbox());
    }

    [Fact]
    public void EmptyMaskHasZeroBox()
    {
        var rle = new Rle(4, 5, [20]);
        Assert.Equal(0u, rle.Area());
        Assert.Equal(new BoxXywh(0, 0, 0, 0), rle.ToBbox());
    }

    [Fact]
    public void CrowdUnionIsTheDetectionArea()
    {
        // Detection: left half of a 4x4 mask; crowd region: the whole mask.
        var dt = new Rle(4, 4, [0, 8, 8]);
        var crowd = new Rle(4, 4, [0, 16]);
        Assert.Equal(1.0, MaskIou.Rle(dt, crowd, gtIsCrowd: true));
        Assert.Equal(0.5, MaskIou.Rle(dt, crowd, gtIsCrowd: false));
        Assert.Equal(1.0, MaskIou.Box(new BoxXywh(0, 0, 2, 4), new BoxXywh(0, 0, 4, 4), gtIsCrowd: true));
    }

    [Fact]
    public void MasksOfDifferentSizesHaveIouMinusOne() =>
        Assert.Equal(-1, MaskIou.Rle(new Rle(4, 4, [0, 16]), new Rle(4, 5, [0, 20]), gtIsCrowd: false));

    [Fact]
    public void MergingNothingOrMismatchedSizesGivesAnEmptyMask()
    {
        Assert.Equal(0, RleMerge.Merge([]).Height);
        Rle merged = RleMerge.Merge([new Rle(4, 4, [0, 16]), new Rle(4, 5, [0, 20])]);
        Assert.Equal((0, 0), (merged.Height, merged.Width));
    }

    [Theory]
    [InlineData("0 ", "outside")]
    [InlineData("p", "outside")]
    [InlineData("0P", "ends inside a count")]
    public void MalformedCompressedStringsAreRejected(string text, string message) =>
        Assert.Contains(message, Assert.Throws<FormatException>(() => RleString.Decode(text)).Message);

    [Fact]
    public void FirstPolygonOfTwoPointsIsRejectedLikePycocotools() =>
        Assert.Contains("polygon 0 has 4 coordinates",
            Assert.Throws<FormatException>(() => new CocoPolygons([[1, 1, 5, 5], [1, 1, 5, 1, 5, 5]]).ToRle(10, 10)).Message);

    [Fact]
    public void NoPolygonsGiveAnEmptyMaskOfTheImageSize()
    {
        Rle rle = new CocoPolygons([]).ToRle(3, 7);
        Assert.Equal([21u], rle.Counts);
    }
}
