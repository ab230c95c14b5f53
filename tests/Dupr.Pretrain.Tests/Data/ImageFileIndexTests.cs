using Dupr.Core.Runtime;
using Dupr.Pretrain.Data;
using Dupr.Tests;

namespace Dupr.Pretrain.Tests.Data;

public class ImageFileIndexTests
{
    static void Touch(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [1]);
    }

    [Fact]
    public void ListsImagesRecursivelyInOrdinalOrder()
    {
        using var root = TestPaths.Temp();
        using var cache = TestPaths.Temp();
        foreach (string name in new[] { "n02/b.JPG", "n01/a.png", "n01/deep/c.jpeg", "top.jpg", "notes.txt", ".hidden/x.jpg", "n01/.y.jpg" })
            Touch(root.File(name));
        var index = ImageFileIndex.Load(root.Path, cache.Path);
        Assert.Equal(new[] { "n01/a.png", "n01/deep/c.jpeg", "n02/b.JPG", "top.jpg" }, index.Files);
        Assert.False(index.FromCache);
    }

    [Fact]
    public void CacheIsReusedUntilTheTreeChanges()
    {
        using var root = TestPaths.Temp();
        using var cache = TestPaths.Temp();
        Touch(root.File("n01/a.jpg"));
        Touch(root.File("n02/b.jpg"));
        Assert.False(ImageFileIndex.Load(root.Path, cache.Path).FromCache);
        var again = ImageFileIndex.Load(root.Path, cache.Path);
        Assert.True(again.FromCache);
        Assert.Equal(2, again.Files.Count);
        Assert.Single(Directory.GetFiles(cache.Path));

        // Editing a file's content keeps the listing (and the cache).
        File.WriteAllBytes(root.File("n01/a.jpg"), [1, 2, 3]);
        Assert.True(ImageFileIndex.Load(root.Path, cache.Path).FromCache);

        Touch(root.File("n02/c.png"));
        var added = ImageFileIndex.Load(root.Path, cache.Path);
        Assert.False(added.FromCache);
        Assert.Equal(3, added.Files.Count);

        Touch(root.File("n03/sub/d.png"));
        Assert.Equal(4, ImageFileIndex.Load(root.Path, cache.Path).Files.Count);

        File.Delete(root.File("n01/a.jpg"));
        var removed = ImageFileIndex.Load(root.Path, cache.Path);
        Assert.False(removed.FromCache);
        Assert.Equal(new[] { "n02/b.jpg", "n02/c.png", "n03/sub/d.png" }, removed.Files);
    }

    [Fact]
    public void CorruptCacheIsIgnored()
    {
        using var root = TestPaths.Temp();
        using var cache = TestPaths.Temp();
        Touch(root.File("a.jpg"));
        ImageFileIndex.Load(root.Path, cache.Path);
        File.WriteAllText(Directory.GetFiles(cache.Path).Single(), "dupr-image-index 1\nroot " + Path.GetFullPath(root.Path) + "\ndirs x\n");
        var index = ImageFileIndex.Load(root.Path, cache.Path);
        Assert.False(index.FromCache);
        Assert.Equal(new[] { "a.jpg" }, index.Files);
    }

    [Fact]
    public void MissingOrEmptyFolderIsAnError()
    {
        using var root = TestPaths.Temp();
        using var cache = TestPaths.Temp();
        Assert.EndsWith(": image folder not found", Assert.Throws<DuprException>(() => ImageFileIndex.Load(root.File("nope"), cache.Path)).Message);
        Touch(root.File("readme.txt"));
        Assert.Contains("no .jpg, .jpeg or .png images found", Assert.Throws<DuprException>(() => ImageFileIndex.Load(root.Path, cache.Path)).Message);
    }
}
