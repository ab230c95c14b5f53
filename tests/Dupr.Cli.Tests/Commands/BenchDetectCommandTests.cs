using Dupr.Tests;

namespace Dupr.Cli.Tests.Commands;

[Collection(ConsoleCollection.Name)]
public class BenchDetectCommandTests
{
    [Fact]
    public void WritesATrainingAndAnInferenceRowToCsv()
    {
        using var temp = TestPaths.Temp();
        string csv = temp.File("detect.csv");
        string config = Path.Combine(TestPaths.RepoRoot, "configs", "detection", "voc_faster_rcnn_r18_c4_mini.json");
        int exit = Program.Main(["bench", "detect", "--device", "cpu", "--config", config, "--iterations", "1", "--warmup", "0", "--inference-images", "1",
            "--set", "backbone.width=8", "--set", "train.batch_size=1", "--set", "input.min_size_train=[64]", "--set", "input.min_size_test=64", "--output", csv]);
        Assert.Equal(0, exit);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("phase,rate,unit,median_seconds,roi_align_share,nms_share,anchor_matching_share,peak_bytes", lines[0]);
        Assert.StartsWith("train,", lines[1]);
        Assert.StartsWith("inference,", lines[2]);
    }
}
