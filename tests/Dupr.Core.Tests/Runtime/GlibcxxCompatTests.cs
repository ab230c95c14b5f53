using Dupr.Build;
using Dupr.Tests;

namespace Dupr.Core.Tests.Runtime;

public class GlibcxxCompatTests
{
    // The library exactly as TorchSharp ships it, before our build touched it.
    static string PristineLibrary => Path.Combine(TestPaths.NuGetPackageRoot, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void ShippedLibraryNeedsTheVersionStrongly()
    {
        Assert.Equal(GlibcxxCompat.NeedState.Required, GlibcxxCompat.Inspect(PristineLibrary));
    }

    [Fact]
    public void MakeWeakChangesOneFlagOnceAndIsIdempotent()
    {
        using var temp = TestPaths.Temp();
        string copy = temp.File("libLibTorchSharp.so");
        File.Copy(PristineLibrary, copy);
        byte[] before = File.ReadAllBytes(copy);

        Assert.True(GlibcxxCompat.MakeWeak(copy));
        Assert.Equal(GlibcxxCompat.NeedState.Weak, GlibcxxCompat.Inspect(copy));
        byte[] patched = File.ReadAllBytes(copy);
        Assert.Equal(before.Length, patched.Length);
        Assert.Equal(1, before.Zip(patched).Count(pair => pair.First != pair.Second));

        Assert.False(GlibcxxCompat.MakeWeak(copy)); // already fixed: a no-op
        Assert.Equal(patched, File.ReadAllBytes(copy));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void MakeWeakLeavesOtherHardLinksAsTheyWere()
    {
        // The build hard-links bin's libraries to the NuGet cache: patching bin's copy must not patch the cache's.
        using var temp = TestPaths.Temp();
        string cache = temp.File("cache.so"), bin = temp.File("libLibTorchSharp.so");
        File.Copy(PristineLibrary, cache);
        File.SetUnixFileMode(cache, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);
        using (var ln = System.Diagnostics.Process.Start("ln", [cache, bin])) ln.WaitForExit();
        Assert.True(File.Exists(bin));

        Assert.True(GlibcxxCompat.MakeWeak(bin));
        Assert.Equal(GlibcxxCompat.NeedState.Weak, GlibcxxCompat.Inspect(bin));
        Assert.Equal(GlibcxxCompat.NeedState.Required, GlibcxxCompat.Inspect(cache));
        Assert.Equal(File.GetUnixFileMode(cache), File.GetUnixFileMode(bin));
        Assert.False(File.Exists(bin + ".dupr-tmp"));
    }

    [Fact]
    public void BuildOutputIsFixedWhereTheSystemNeedsIt()
    {
        string built = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var expected = GlibcxxCompat.SystemProvides() ? GlibcxxCompat.NeedState.Required : GlibcxxCompat.NeedState.Weak;
        Assert.Equal(expected, GlibcxxCompat.Inspect(built));
    }

    [Fact]
    public void CompatibleLibraryIsLeftAlone()
    {
        // libstdc++ itself defines versions but needs no GLIBCXX version: nothing to patch.
        string system = GlibcxxCompat.SystemLibStdCxx()!;
        using var temp = TestPaths.Temp();
        string copy = temp.File("libstdc++.so.6");
        File.Copy(system, copy);
        byte[] before = File.ReadAllBytes(copy);
        Assert.Equal(GlibcxxCompat.NeedState.NotNeeded, GlibcxxCompat.Inspect(copy));
        Assert.False(GlibcxxCompat.MakeWeak(copy));
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void NonElfFileIsLeftAlone()
    {
        using var temp = TestPaths.Temp();
        string file = temp.File("libLibTorchSharp.so");
        File.WriteAllText(file, "not a shared library");
        Assert.Equal(GlibcxxCompat.NeedState.NotElf64, GlibcxxCompat.Inspect(file));
        Assert.False(GlibcxxCompat.MakeWeak(file));
        Assert.Equal("not a shared library", File.ReadAllText(file));
    }

    [Fact]
    public void ProvidesDetectsTheVersionString()
    {
        using var temp = TestPaths.Temp();
        string newer = temp.File("newer.so");
        File.WriteAllBytes(newer, System.Text.Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0GLIBCXX_3.4.33\0"));
        string older = temp.File("older.so");
        File.WriteAllBytes(older, System.Text.Encoding.ASCII.GetBytes("\0GLIBCXX_3.4.30\0GLIBCXX_3.4.320x\0"));
        Assert.True(GlibcxxCompat.Provides(newer));
        Assert.False(GlibcxxCompat.Provides(older));
    }
}
