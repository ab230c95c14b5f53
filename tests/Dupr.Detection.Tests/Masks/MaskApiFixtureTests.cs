using Dupr.Detection.Data.Coco;
using Dupr.Detection.Masks;
using Dupr.Tests;
using Newtonsoft.Json.Linq;

namespace Dupr.Detection.Tests.Masks;

/// <summary>The C# mask API against pycocotools' outputs in tests/fixtures/masks (tools/reference/make_mask_fixtures.py).</summary>
public sealed class MaskApiFixtureTests
{
    static readonly JObject Fixture = JObject.Parse(File.ReadAllText(Path.Combine(TestPaths.Fixtures, "masks", "mask_api.json")));

    static IEnumerable<JToken> Cases(string name) => Fixture[name]!.Children();

    static BoxXywh Box(JToken t)
    {
        double[] v = t.Values<double>().ToArray();
        return new BoxXywh(v[0], v[1], v[2], v[3]);
    }

    [Fact]
    public void PolygonsRasteriseAsFrPyObjectsAndMerge()
    {
        foreach (JToken c in Cases("polygons"))
        {
            int h = (int)c["height"]!, w = (int)c["width"]!;
            double[][] polygons = c["polygons"]!.Select(p => p.Values<double>().ToArray()).ToArray();
            string[] parts = c["parts"]!.Values<string>().ToArray()!;
            for (int i = 0; i < polygons.Length; i++)
                Assert.Equal(parts[i], PolygonRasterizer.FromPolygon(polygons[i], h, w).ToCompressedString());
            Rle merged = new CocoPolygons(polygons).ToRle(h, w);
            Assert.Equal((string)c["merged"]!, merged.ToCompressedString());
            Assert.Equal((uint)c["area"]!, merged.Area());
            Assert.Equal(Box(c["bbox"]!), merged.ToBbox());
        }
    }

    [Fact]
    public void BoxesRasteriseAsFrBbox()
    {
        foreach (JToken c in Cases("boxes"))
        {
            BoxXywh b = Box(c["box"]!);
            Assert.Equal((string)c["rle"]!, PolygonRasterizer.FromBox(b.X, b.Y, b.W, b.H, (int)c["height"]!, (int)c["width"]!).ToCompressedString());
        }
    }

    [Fact]
    public void EncodeDecodeAreaAndBboxMatch()
    {
        foreach (JToken c in Cases("encode"))
        {
            int h = (int)c["height"]!, w = (int)c["width"]!;
            byte[] rowMajor = c["row_major"]!.Values<byte>().ToArray();
            Rle rle = Rle.FromRowMajor(rowMajor, h, w);
            Assert.Equal((string)c["rle"]!, rle.ToCompressedString());
            Assert.Equal(rowMajor, Rle.FromCompressedString((string)c["rle"]!, h, w).ToRowMajor());
            Assert.Equal(rle.Counts, Rle.FromColumnMajor(rle.ToColumnMajor(), h, w).Counts);
            Assert.Equal((uint)c["area"]!, rle.Area());
            Assert.Equal(Box(c["bbox"]!), rle.ToBbox());
        }
    }

    [Fact]
    public void CompressedStringsRoundTripUncompressedCounts()
    {
        foreach (JToken c in Cases("strings"))
        {
            uint[] counts = c["counts"]!.Values<uint>().ToArray();
            string text = (string)c["rle"]!;
            Assert.Equal(text, RleString.Encode(counts));
            Assert.Equal(counts, RleString.Decode(text));
            var rle = new Rle((int)c["height"]!, (int)c["width"]!, counts);
            Assert.Equal((uint)c["area"]!, rle.Area());
            Assert.Equal(Box(c["bbox"]!), rle.ToBbox());
        }
    }

    [Fact]
    public void MergeUnionAndIntersection()
    {
        foreach (JToken c in Cases("merges"))
        {
            int h = (int)c["height"]!, w = (int)c["width"]!;
            Rle[] rles = c["rles"]!.Values<string>().Select(s => Rle.FromCompressedString(s!, h, w)).ToArray();
            Assert.Equal((string)c["union"]!, RleMerge.Merge(rles).ToCompressedString());
            Assert.Equal((string)c["intersection"]!, RleMerge.Merge(rles, intersect: true).ToCompressedString());
        }
    }

    [Fact]
    public void MaskIouWithCrowdRule()
    {
        foreach (JToken c in Cases("ious"))
        {
            int h = (int)c["height"]!, w = (int)c["width"]!;
            Rle[] dt = c["dt"]!.Values<string>().Select(s => Rle.FromCompressedString(s!, h, w)).ToArray();
            Rle[] gt = c["gt"]!.Values<string>().Select(s => Rle.FromCompressedString(s!, h, w)).ToArray();
            int[] crowd = c["iscrowd"]!.Values<int>().ToArray();
            double[][] expected = c["iou"]!.Select(r => r.Values<double>().ToArray()).ToArray();
            for (int d = 0; d < dt.Length; d++)
                for (int g = 0; g < gt.Length; g++)
                    Assert.Equal(expected[d][g], MaskIou.Rle(dt[d], gt[g], crowd[g] != 0));
        }
    }

    [Fact]
    public void BoxIouWithCrowdRule()
    {
        foreach (JToken c in Cases("box_ious"))
        {
            BoxXywh[] dt = c["dt"]!.Select(Box).ToArray();
            BoxXywh[] gt = c["gt"]!.Select(Box).ToArray();
            int[] crowd = c["iscrowd"]!.Values<int>().ToArray();
            double[][] expected = c["iou"]!.Select(r => r.Values<double>().ToArray()).ToArray();
            for (int d = 0; d < dt.Length; d++)
                for (int g = 0; g < gt.Length; g++)
                    Assert.Equal(expected[d][g], MaskIou.Box(dt[d], gt[g], crowd[g] != 0));
        }
    }
}
