using System.Text.RegularExpressions;
using Dupr.Core.Runtime;
using Dupr.Tests;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Runtime;

public class HostReadsTests
{
    [Fact]
    public void EachReadIsCountedOnTheThreadThatMakesIt()
    {
        using var scope = NewDisposeScope();
        long before = HostReads.OnThisThread;
        Assert.Equal(3f, tensor(3f).ReadItem<float>());
        Assert.Equal([1L, 2, 3], tensor(new long[] { 1, 2, 3 }).ReadArray<long>());
        long elsewhere = -1;
        var thread = new Thread(() =>
        {
            long start = HostReads.OnThisThread;
            tensor(1.0).ReadItem<double>();
            elsewhere = HostReads.OnThisThread - start;
        });
        thread.Start();
        thread.Join();
        Assert.Equal(2, HostReads.OnThisThread - before);
        Assert.Equal(1, elsewhere);
    }

    // The counter only bounds what it sees: a read that skips it would go unnoticed by the step tests.
    [Fact]
    public void EveryReadInTheLibrariesGoesThroughTheCounter()
    {
        var direct = new Regex(@"\.item<|\.data<");
        var offenders = Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && Path.GetFileName(f) != "HostReads.cs")
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => direct.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(TestPaths.RepoRoot, x.f)}:{x.i + 1}")
            .ToList();
        Assert.True(offenders.Count == 0, $"read tensors through HostReads.ReadItem / ReadArray: {string.Join(", ", offenders)}");
    }
}
