using Dupr.Core.Runtime;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Masks;
using Dupr.Tests;

namespace Dupr.Detection.Tests.Data;

/// <summary>The streaming COCO instances reader: shapes it accepts, what it maps, and the errors it gives.</summary>
public sealed class CocoReaderTests
{
    const string Lvis = """
        {"info": {"nested": {"deep": [1, 2, {"x": null}]}},
         "categories": [{"id": 90, "name": "zebra", "frequency": "r"}, {"id": 7, "name": "cat", "synset": "cat.n.01"}, {"id": 3, "name": "car"}],
         "annotations": [
           {"id": 5, "image_id": 2, "category_id": 7, "bbox": [1, 2.5, 3, 4], "area": 12.5, "segmentation": [[1, 1, 4, 1, 4, 5]]},
           {"id": 6, "image_id": 2, "category_id": 90, "bbox": [0, 0, 2, 2], "area": 4, "iscrowd": 1, "segmentation": {"size": [10, 12], "counts": [5, 3, 112]}},
           {"id": 7, "image_id": 1, "category_id": 3, "bbox": [0, 0, 2, 2], "area": 4, "iscrowd": 0, "segmentation": {"size": [8, 9], "counts": "52d0"}}
         ],
         "images": [{"id": 2, "width": 12, "height": 10, "file_name": "b.jpg", "neg_category_ids": [3]}, {"id": 1, "width": 9, "height": 8, "coco_url": "u"}]}
        """;

    static CocoDataset Parse(string json)
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("gt.json"), json);
        return CocoReader.Read(temp.File("gt.json"));
    }

    static string Error(string json) => Assert.Throws<DuprException>(() => Parse(json)).Message;

    [Fact]
    public void ReadsLvisStyleFilesSkippingUnknownKeys()
    {
        CocoDataset d = Parse(Lvis);
        Assert.Equal([2L, 1L], d.Images.Select(i => i.Id));
        Assert.Equal(new CocoImage(2, 12, 10, "b.jpg"), d.Images[0]);
        Assert.Equal(new CocoImage(1, 9, 8, null, "u"), d.Images[1]);
        CocoAnnotation a = d.Annotations[0];
        Assert.Equal((5L, 2L, 7L, false), (a.Id, a.ImageId, a.CategoryId, a.IsCrowd));
        Assert.Equal(new BoxXywh(1, 2.5, 3, 4), a.Bbox);
        Assert.Equal(12.5, a.Area);
        Assert.Equal([1.0, 1, 4, 1, 4, 5], Assert.IsType<CocoPolygons>(a.Segmentation).Polygons[0]);
        var crowd = Assert.IsType<CocoRleSegmentation>(d.Annotations[1].Segmentation);
        Assert.True(d.Annotations[1].IsCrowd);
        Assert.Equal((10, 12), (crowd.Height, crowd.Width));
        Assert.Equal([5u, 3, 112], crowd.Counts);
        Assert.Equal("52d0", Assert.IsType<CocoRleSegmentation>(d.Annotations[2].Segmentation).CompressedCounts);
    }

    [Fact]
    public void MapsCategoryIdsToContiguousIdsInAscendingOrder()
    {
        CocoDataset d = Parse(Lvis);
        Assert.Equal([0, 1, 2], new long[] { 3, 7, 90 }.Select(d.ToContiguousId));
        Assert.Equal([3L, 7, 90], Enumerable.Range(0, d.CategoryCount).Select(d.FromContiguousId));
        Assert.Equal("zebra", d.FindCategory(90)!.Name);
        Assert.Null(d.FindImage(3));
    }

    [Fact]
    public void WriterRoundTrips()
    {
        CocoDataset d = Parse(Lvis);
        using var temp = TestPaths.Temp();
        CocoWriter.Write(d, temp.File("out.json"));
        CocoDataset back = CocoReader.Read(temp.File("out.json"));
        Assert.Equal(d.Images, back.Images);
        Assert.Equal(d.Categories.Select(c => (c.Id, c.Name)), back.Categories.Select(c => (c.Id, c.Name)));
        for (int i = 0; i < d.Annotations.Count; i++)
        {
            Assert.Equal(d.Annotations[i] with { Segmentation = null }, back.Annotations[i] with { Segmentation = null });
            Assert.Equal(d.Annotations[i].Segmentation!.ToRle(10, 12).Counts, back.Annotations[i].Segmentation!.ToRle(10, 12).Counts);
        }
    }

    [Theory]
    [InlineData("""{"images": [{"id": 1, "width": 5, "height": 5}, {"width": 5, "height": 5}]}""", "images[1]: missing key 'id'")]
    [InlineData("""{"images": [{"id": 1, "width": 5}]}""", "images[0] (id 1): missing key 'height'")]
    [InlineData("""{"categories": [{"id": 4}]}""", "categories[0] (id 4): missing key 'name'")]
    [InlineData("""{"annotations": [{"id": 9, "image_id": 1, "bbox": [0, 0, 1, 1]}]}""", "annotations[0] (id 9): missing key 'category_id'")]
    [InlineData("""{"annotations": [{"id": 9, "image_id": 1, "category_id": 1, "bbox": "0 0 1 1"}]}""", "annotations[0] (id 9): 'bbox' must be an array of numbers, found the string \"0 0 1 1\"")]
    [InlineData("""{"annotations": [{"id": 9, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1]}]}""", "'bbox' must have 4 numbers")]
    [InlineData("""{"annotations": [{"id": 9, "image_id": "1", "category_id": 1}]}""", "annotations[0] (id 9): 'image_id' must be an integer, found the string \"1\"")]
    [InlineData("""{"annotations": [{"id": 9, "image_id": 1, "category_id": 1, "segmentation": {"counts": "abc"}}]}""", "missing key 'segmentation.size'")]
    [InlineData("""{"images": [{"id": 1, "width": 5, "height": 5}""", "the file ends")]
    [InlineData("""{"images": [{"id": 1, "width": 5, "height": 5,]}""", "invalid JSON at line 1")]
    [InlineData("""[1, 2]""", "the top level must be an object")]
    [InlineData("""{"images": []} {"images": []}""", "the end of the file: unexpected data after the top-level object at line 1")]
    public void MalformedInputNamesTheEntry(string json, string message)
    {
        string error = Error(json);
        Assert.Contains("gt.json: ", error);
        Assert.Contains(message, error);
    }

    [Theory]
    [InlineData("""{"images": [{"id": 1, "width": 5, "height": 5}, {"id": 1, "width": 5, "height": 5}]}""", "images[1]: id 1 repeats images[0]")]
    [InlineData("""{"images": [{"id": 1, "width": 5, "height": 5}], "categories": [{"id": 1, "name": "a"}], "annotations": [{"id": 3, "image_id": 2, "category_id": 1}]}""", "annotations[0] (id 3): image_id 2 is not in \"images\"")]
    [InlineData("""{"images": [{"id": 1, "width": 5, "height": 5}], "categories": [{"id": 1, "name": "a"}], "annotations": [{"id": 3, "image_id": 1, "category_id": 8}]}""", "annotations[0] (id 3): category_id 8 is not in \"categories\"")]
    public void InconsistentIdsAreErrors(string json, string message) => Assert.Contains(message, Error(json));

    [Fact]
    public void MissingFileIsAnError() =>
        Assert.Contains("file not found", Assert.Throws<DuprException>(() => CocoReader.Read("/nonexistent/gt.json")).Message);
}
