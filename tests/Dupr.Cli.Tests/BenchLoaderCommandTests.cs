using Dupr.Core.Imaging;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Cli.Tests;

/// <summary>`dupr bench loader` end to end on a tiny folder: it runs, prints the table, writes CSV, and handles bad images.</summary>
public class BenchLoaderCommandTests
{
    static void WriteImages(string folder, int count)
    {
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            ImageEncoder.Save(randint(0, 256, [3, 40 + 4 * i, 56], ScalarType.Byte), Path.Combine(folder, $"img{i}.jpg"));
        }
    }

    static readonly string[] TinyRun = ["--threads", "1", "--workers", "2", "--batch-size", "2", "--detection-batch-size", "2", "--batches", "2"];

    [Fact]
    public void PrintsEveryPipelineAndWritesCsv()
    {
        using var temp = TestPaths.Temp();
        string data = Directory.CreateDirectory(temp.File("images")).FullName;
        WriteImages(data, 6);
        var result = CliRunner.Run(["bench", "loader", "--data", data, "--output", temp.File("loader.csv"), "--train-steps", "1", .. TinyRun]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        foreach (string row in new[] { "ResNet-18 train step", "pretrain MoCo v2 (2 views/sample)", "pretrain MoCo v2 + RandAugment", "detection train input" })
            Assert.Contains(row, result.Stdout);
        string[] csv = File.ReadAllLines(temp.File("loader.csv"));
        Assert.StartsWith("pipeline,size,data,threads,count,seconds,cpu_seconds,unit,per_second", csv[0]);
        Assert.Equal(1 + 2 * 3 + 1, csv.Length);
    }

    [Fact]
    public void BadImageStopsWithItsNameUnlessSkipped()
    {
        using var temp = TestPaths.Temp();
        string data = Directory.CreateDirectory(temp.File("images")).FullName;
        WriteImages(data, 5);
        string bad = Path.Combine(data, "img9.jpg");
        File.WriteAllText(bad, "not an image");
        string[] args = ["bench", "loader", "--data", data, "--train-steps", "0", .. TinyRun];

        var stopped = CliRunner.Run(args);
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains($"dupr: error: {bad}: not a JPEG or PNG image", stopped.Stderr);

        var skipped = CliRunner.Run([.. args, "--skip-bad"]);
        Assert.True(skipped.ExitCode == 0, skipped.Stderr);
        Assert.Contains($"warning: skipping bad image {bad}: not a JPEG or PNG image", skipped.Stderr);
        Assert.Contains("bad sample(s) from 1 file(s)", skipped.Stderr);
    }

    [Fact]
    public void MissingDataFolderIsOneLine()
    {
        var result = CliRunner.Run("bench", "loader", "--data", "/no/such/folder");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("dupr: error: --data: /no/such/folder: folder not found", result.Stderr.Trim());
    }

    [Fact]
    public void DetectionRowReadsAGivenCocoFile()
    {
        using var temp = TestPaths.Temp();
        string data = Directory.CreateDirectory(temp.File("images")).FullName;
        WriteImages(data, 4);
        File.WriteAllText(temp.File("instances.json"), """
            {"images": [{"id": 1, "width": 56, "height": 40, "file_name": "img0.jpg"}, {"id": 2, "width": 56, "height": 44, "file_name": "img1.jpg"}],
             "categories": [{"id": 1, "name": "thing"}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [2, 3, 20, 10], "iscrowd": 0},
                             {"id": 2, "image_id": 2, "category_id": 1, "bbox": [5, 5, 10, 10], "iscrowd": 0}]}
            """);
        var result = CliRunner.Run(["bench", "loader", "--data", data, "--coco-json", temp.File("instances.json"), "--coco-images", data, "--train-steps", "0", .. TinyRun]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("COCO instances.json", result.Stdout);

        var alone = CliRunner.Run(["bench", "loader", "--data", data, "--coco-json", temp.File("instances.json")]);
        Assert.Equal("dupr: error: --coco-json and --coco-images go together: give both or neither", alone.Stderr.Trim());
    }
}
