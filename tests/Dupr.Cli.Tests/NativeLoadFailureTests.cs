using Dupr.Build;
using Dupr.Tests;

namespace Dupr.Cli.Tests;

public class NativeLoadFailureTests
{
    // A copy of the application (its big native libraries as symbolic links) whose TorchSharp native library is the
    // unpatched one from NuGet: on a system whose libstdc++ lacks GLIBCXX_3.4.32, `dupr env` must
    // fail with the loader's real reason in one line, not TorchSharp's misleading message.
    [Fact]
    public void UnfixedLibraryFailsWithTheRealCause()
    {
        if (GlibcxxCompat.SystemProvides()) return; // a newer system loads the shipped library as it is
        using var temp = TestPaths.Temp();
        string app = AppContext.BaseDirectory;
        foreach (string file in Directory.EnumerateFiles(app, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(app, file);
            string target = Path.Combine(temp.Path, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (Path.GetFileName(file) == "libLibTorchSharp.so")
                File.Copy(Path.Combine(TestPaths.NuGetPackageRoot, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so"), target);
            else if (relative.StartsWith("runtimes", StringComparison.Ordinal))
                File.CreateSymbolicLink(target, file); // the loader keeps links as they are; .NET resolves dupr.dll's, so that one is copied
            else
                File.Copy(file, target);
        }

        var result = CliRunner.RunFrom(temp.Path, "env");

        Assert.Equal(1, result.ExitCode);
        string error = result.Stderr.Trim();
        Assert.DoesNotContain('\n', error);
        Assert.StartsWith("dupr: error: cannot load ", error);
        Assert.Contains("GLIBCXX_3.4.32", error);
        Assert.DoesNotContain("doesn't contain a reference", error);
    }
}
