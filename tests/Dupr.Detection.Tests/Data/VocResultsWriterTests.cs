using Dupr.Detection.Data.Voc;
using Dupr.Tests;

namespace Dupr.Detection.Tests.Data;

public class VocResultsWriterTests
{
    [Fact]
    public void WrittenFilesReadBackInVocPixels()
    {
        using var temp = TestPaths.Temp();
        VocResultsWriter.Write(temp.Path, ["cat", "dog"], [("000001", 1, 0.9, [9f, 19f, 30f, 40f]), ("000002", 1, 0.25, [0f, 0f, 5f, 5f])]);
        Assert.Equal("", File.ReadAllText(Path.Combine(temp.Path, VocResultsReader.FileName("cat"))));
        var dogs = VocResultsReader.Read(temp.Path, ["cat", "dog"])["dog"];
        Assert.Equal(2, dogs.Count);
        // detectron2 writes xmin + 1 and ymin + 1 (VOC's 1-based pixels), 3 decimals of score.
        Assert.Equal(("000001", 0.9, 10.0, 20.0, 30.0, 40.0), (dogs[0].ImageId, dogs[0].Score, dogs[0].XMin, dogs[0].YMin, dogs[0].XMax, dogs[0].YMax));
        Assert.Equal(0.25, dogs[1].Score);
    }
}
