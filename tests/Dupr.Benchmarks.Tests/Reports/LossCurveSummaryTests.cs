using Dupr.Benchmarks.Reports;
using Dupr.Core.Runtime;
using Dupr.Tests;

namespace Dupr.Benchmarks.Tests.Reports;

public class LossCurveSummaryTests
{
    static string Metrics(TempDirectory temp, params string[] lines)
    {
        string path = temp.File("metrics.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void ComparesWindowMeansOfEveryLossTerm()
    {
        using var temp = new TempDirectory();
        string path = Metrics(temp,
            "iteration,loss,image_res5,patch_res4,lr,images_per_s,acc1_image_res5,acc1_patch_res4,no_overlap",
            "10,12,6,6,0.1,20,0.0,0.1,0",
            "20,11,5,6,0.1,20,0.2,0.1,1",
            "30,12,5,7,0.1,20,0.4,0.0,0",
            "40,10,4,6,0.1,20,0.6,0.1,0",
            "50,10,3,7,0.1,20,0.8,0.1,2");
        var changes = LossCurveSummary.Read(path, window: 2);
        Assert.Equal(["loss", "image_res5", "patch_res4"], changes.Select(c => c.Term));
        var image = changes[1];
        Assert.Equal(5.5, image.First, 9);   // rows 10 and 20
        Assert.Equal(3.5, image.Last, 9);    // rows 40 and 50
        Assert.True(image.Fell);
        Assert.Equal(0.1, image.FirstAccuracy!.Value, 9);
        Assert.Equal(0.7, image.LastAccuracy!.Value, 9);
        Assert.False(changes[2].Fell);       // 6 -> 6.5
        Assert.Null(changes[0].FirstAccuracy);
        Assert.Contains("patch_res4", LossCurveSummary.Text(changes).Split('\n').Single(l => l.Contains("DID NOT FALL")));
    }

    [Fact]
    public void TooShortARunIsNamed()
    {
        using var temp = new TempDirectory();
        string path = Metrics(temp, "iteration,loss", "10,1", "20,1", "30,1");
        var error = Assert.Throws<DuprException>(() => LossCurveSummary.Read(path, window: 2));
        Assert.Contains("metrics.csv: 3 logged rows, need at least 4", error.Message);
    }
}
