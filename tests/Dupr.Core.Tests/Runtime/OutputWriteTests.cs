using Dupr.Core.Runtime;
using Dupr.Tests;

namespace Dupr.Core.Tests.Runtime;

/// <summary>Writes the file system refuses are one-line errors naming the file, and leftovers of killed writes are cleaned.</summary>
public class OutputWriteTests
{
    [Fact]
    public void WritingOverADirectoryNamesIt()
    {
        using var temp = TestPaths.Temp();
        Assert.Equal($"{temp.Path}: is a directory; give a file name",
            Assert.Throws<DuprException>(() => AtomicFile.WriteAllText(temp.Path, "x")).Message);
    }

    [Fact]
    public void AFullDiskIsAnErrorNamingTheFileAndKeepsTheOldOne()
    {
        using var temp = TestPaths.Temp();
        string path = temp.File("metrics.json");
        AtomicFile.WriteAllText(path, "good");
        var error = Assert.Throws<DuprException>(() => AtomicFile.Write(path, _ => throw new IOException("No space left on device")));
        Assert.Equal($"{path}: cannot write (No space left on device)", error.Message);
        Assert.Equal("good", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void APathThroughAFileIsAnErrorNamingIt()
    {
        using var temp = TestPaths.Temp();
        File.WriteAllText(temp.File("plain"), "");
        Assert.StartsWith($"{temp.File("plain/metrics.json")}: cannot write (",
            Assert.Throws<DuprException>(() => AtomicFile.WriteAllText(temp.File("plain/metrics.json"), "x")).Message);
        Assert.StartsWith($"{temp.File("plain/results")}: cannot create the folder (",
            Assert.Throws<DuprException>(() => OutputFolder.Create(temp.File("plain/results"))).Message);
        Assert.Equal($"{temp.File("plain")}: is a file; give a folder", Assert.Throws<DuprException>(() => OutputFolder.Create(temp.File("plain"))).Message);
    }

    // A kill during the final backbone.pth write left backbone.pth.tmp-* behind for good.
    [Fact]
    public void TheNextWriteRemovesLeftoversOfKilledWritersOnly()
    {
        using var temp = TestPaths.Temp();
        string path = temp.File("backbone.pth");
        string killed = $"{path}.tmp-{Environment.ProcessId}-0123456789abcdef"; // this id, not in flight: an earlier process's
        string living = $"{path}.tmp-1-0123456789abcdef";                        // process 1 is alive: its write is in progress
        string other = temp.File("other.pth.tmp-999-0123456789abcdef");          // another file's temporary
        foreach (string file in new[] { killed, living, other }) File.WriteAllText(file, "partial");

        AtomicFile.WriteAllText(path, "complete");

        Assert.Equal("complete", File.ReadAllText(path));
        Assert.False(File.Exists(killed));
        Assert.True(File.Exists(living));
        Assert.True(File.Exists(other));
    }
}
