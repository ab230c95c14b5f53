using Dupr.Tests;

namespace Dupr.Core.Tests.Fixtures;

/// <summary>Every golden fixture folder the suite reads is in the repository and holds its files: none may vanish silently.</summary>
public sealed class FixtureFoldersTests
{
    [Theory]
    [InlineData("ops", 24)]
    [InlineData("coco-eval", 16)]
    [InlineData("coco-eval-extra", 36)]
    [InlineData("voc-eval", 80)]
    [InlineData("images", 29)]
    [InlineData("losses", 1)]
    [InlineData("rcnn", 4)]
    [InlineData("masks", 1)]
    [InlineData("numpy", 1)]
    [InlineData("resnet", 9)]
    [InlineData("suites", 1)]
    [InlineData("gate", 5)]
    public void FolderHoldsItsFiles(string folder, int atLeast)
    {
        string path = Path.Combine(TestPaths.Fixtures, folder);
        Assert.True(Directory.Exists(path), $"{path} is missing");
        int files = Directory.GetFiles(path, "*", SearchOption.AllDirectories).Length;
        Assert.True(files >= atLeast, $"{path} holds {files} files, expected at least {atLeast}");
    }
}
