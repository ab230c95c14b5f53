using Dupr.Core.Runtime;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Masks;
using Dupr.Tests;
using Dupr.Detection.Evaluation.Coco;

namespace Dupr.Detection.Tests.Data;

/// <summary>The results reader and writer, and the errors a results file can give.</summary>
public sealed class CocoResultsReaderTests
{
    static CocoResults Parse(string json)
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("dt.json"), json);
        return CocoResultsReader.Read(temp.File("dt.json"));
    }

    [Fact]
    public void ReadsBoxesMasksAndSkipsUnknownKeys()
    {
        CocoResults r = Parse("""
            [{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5, "extra": [1, {"a": 2}]},
             {"image_id": 1, "category_id": 2, "segmentation": {"size": [4, 5], "counts": "0d0"}, "score": 1},
             {"image_id": 3, "category_id": 4, "bbox": [], "segmentation": {"size": [4, 5], "counts": "0d0"}, "score": 0.25}]
            """);
        Assert.Equal(3, r.Count);
        Assert.Equal(new BoxXywh(1, 2, 3, 4), r.Boxes[0]);
        Assert.Null(r.Segmentations[0]);
        Assert.Null(r.Boxes[1]);
        Assert.Null(r.Boxes[2]);
        Assert.Equal([0.5, 1, 0.25], r.Scores);
        Assert.Equal([1L, 1, 3], r.ImageIds);
    }

    [Fact]
    public void WriterRoundTrips()
    {
        var results = new CocoResults("memory");
        results.Add(5, 6, 0.123456789, new BoxXywh(0.1, 0.2, 3.3, 4.4), null);
        results.Add(5, 7, 1e-7, new BoxXywh(1, 2, 3, 4), CocoRleSegmentation.Compress(new Rle(3, 3, [2, 4, 3])));
        using var temp = TestPaths.Temp();
        CocoResultsWriter.Write(results, temp.File("dt.json"));
        CocoResults back = CocoResultsReader.Read(temp.File("dt.json"));
        Assert.Equal(results.ImageIds, back.ImageIds);
        Assert.Equal(results.CategoryIds, back.CategoryIds);
        Assert.Equal(results.Scores, back.Scores);
        Assert.Equal(results.Boxes, back.Boxes);
        Assert.Equal("243", Assert.IsType<CocoRleSegmentation>(back.Segmentations[1]).CompressedCounts);
    }

    // Two concatenated arrays were evaluated from the first alone, with exit code 0. Positions are Newtonsoft's, as in the other JSON errors.
    [Theory]
    [InlineData("""[{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5}][{"image_id": 2, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5}]""", 1, 71)]
    [InlineData("[]\n[]\n", 2, 0)]
    [InlineData("[] garbage", 1, 3)]
    public void TrailingDataAfterTheArrayIsAnError(string json, int line, int position)
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("dt.json"), json);
        Assert.Equal($"{temp.File("dt.json")}: the end of the file: unexpected data after the results array at line {line}, position {position}",
            Assert.Throws<DuprException>(() => CocoResultsReader.Read(temp.File("dt.json"))).Message);
    }

    [Fact]
    public void WhitespaceAfterTheArrayIsFine() => Assert.Equal(0, Parse("[]\n  \n").Count);

    [Theory]
    [InlineData("""[{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5}, {"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4]}]""", "results[1]: missing key 'score'")]
    [InlineData("""[{"category_id": 2, "bbox": [1, 2, 3, 4], "score": 0.5}]""", "results[0]: missing key 'image_id'")]
    [InlineData("""[{"image_id": 1, "category_id": 2, "score": 0.5}]""", "results[0]: missing key 'bbox' or 'segmentation'")]
    [InlineData("""[{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "score": "high"}]""", "results[0]: 'score' must be a number, found the string \"high\"")]
    [InlineData("""{"image_id": 1}""", "results must be an array of objects")]
    public void MalformedResultsNameTheEntry(string json, string message)
    {
        string error = Assert.Throws<DuprException>(() => Parse(json)).Message;
        Assert.Contains("dt.json: ", error);
        Assert.Contains(message, error);
    }
}
