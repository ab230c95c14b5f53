using System.Reflection;

namespace Dupr.Tests;

/// <summary>Locations the tests read from: the repository, its tests/fixtures, the NuGet cache.</summary>
public static class TestPaths
{
    /// <summary>The repository root (the folder holding Dupr.sln), found upward from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>tests/fixtures in the repository: golden data made by torchvision, pycocotools and detectron2 (see its README).</summary>
    public static string Fixtures => Path.Combine(RepoRoot, "tests", "fixtures");

    /// <summary>The NuGet global packages folder the build restored from.</summary>
    public static string NuGetPackageRoot =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "NuGetPackageRoot").Value!;

    /// <summary>A fresh empty temporary folder, deleted when disposed.</summary>
    public static TempDirectory Temp() => new();

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Dupr.sln"))) return dir.FullName;
        throw new InvalidOperationException($"Dupr.sln not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>A temporary folder that removes itself.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>The folder's path.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dupr-test-" + Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    /// <summary>The path of <paramref name="name"/> inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
