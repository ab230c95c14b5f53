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
}
