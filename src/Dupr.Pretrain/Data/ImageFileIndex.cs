using System.Security.Cryptography;
using System.Text;
using Dupr.Core.Runtime;

namespace Dupr.Pretrain.Data;

/// <summary>
/// The image files (.jpg, .jpeg, .png, any case) under a folder, recursively, in ordinal order of their
/// relative paths; cached outside the data folder so that large trees (ImageNet train: 1.28 M files)
/// are listed once.
/// </summary>
/// <remarks>
/// The cache (one file per root under <see cref="DefaultCacheDirectory"/>) records every directory's
/// modification time. A directory's mtime changes whenever an entry is added, removed or renamed in
/// it, so checking the recorded directories with one stat each detects any change to the listing
/// (including new subdirectories, which change their parent) without reading the tree. Editing a
/// file's content does not change the listing and keeps the cache. Hidden entries (".name") are skipped.
/// </remarks>
public sealed class ImageFileIndex
{
    const string Header = "dupr-image-index 1";
    static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    /// <summary>The indexed folder, as a full path.</summary>
    public string Root { get; }

    /// <summary>Image paths relative to <see cref="Root"/>, '/'-separated, in ordinal order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Whether the listing came from a valid cache instead of a walk of the tree.</summary>
    public bool FromCache { get; }

    ImageFileIndex(string root, IReadOnlyList<string> files, bool fromCache) => (Root, Files, FromCache) = (root, files, fromCache);

    /// <summary>$DUPR_CACHE_DIR, else $XDG_CACHE_HOME/dupr, else ~/.cache/dupr; then "image-index".</summary>
    public static string DefaultCacheDirectory
    {
        get
        {
            string? dupr = Environment.GetEnvironmentVariable("DUPR_CACHE_DIR");
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string baseDir = !string.IsNullOrEmpty(dupr) ? dupr
                : !string.IsNullOrEmpty(xdg) ? Path.Combine(xdg, "dupr")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "dupr");
            return Path.Combine(baseDir, "image-index");
        }
    }

    /// <summary>Whether <paramref name="path"/> has an image extension the index lists.</summary>
    public static bool IsImageFile(string path) => Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>The index of <paramref name="root"/>, from the cache when the tree is unchanged; <paramref name="cacheDirectory"/> null means the default.</summary>
    public static ImageFileIndex Load(string root, string? cacheDirectory = null)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (!Directory.Exists(full)) throw new DuprException($"{root}: image folder not found");
        string cacheFile = Path.Combine(cacheDirectory ?? DefaultCacheDirectory, CacheName(full));
        if (TryReadCache(cacheFile, full) is { } cached) return new ImageFileIndex(full, cached, fromCache: true);

        var (directories, files) = Walk(full);
        if (files.Count == 0) throw new DuprException($"{root}: no .jpg, .jpeg or .png images found (searched recursively)");
        WriteCache(cacheFile, full, directories, files);
        return new ImageFileIndex(full, files, fromCache: false);
    }

    // Records each directory's mtime before listing it, so a change made during the walk
    // invalidates the cache on the next load.
    static (List<(string Path, long Ticks)> Directories, List<string> Files) Walk(string root)
    {
        var directories = new List<(string, long)>();
        var files = new List<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            string dir = pending.Pop();
            string real = new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dir;
            if (!visited.Add(real)) continue;
            directories.Add((Relative(root, dir), Directory.GetLastWriteTimeUtc(dir).Ticks));
            try
            {
                foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
                {
                    if (entry.Name.StartsWith('.')) continue;
                    if (entry is DirectoryInfo) pending.Push(entry.FullName);
                    else if (IsImageFile(entry.Name)) files.Add(Relative(root, entry.FullName));
                }
            }
            catch (UnauthorizedAccessException e)
            {
                throw new DuprException($"{dir}: cannot list the image folder ({e.Message})", e);
            }
        }
        files.Sort(StringComparer.Ordinal);
        return (directories, files);
    }

    static string Relative(string root, string path) => path == root ? "." : Path.GetRelativePath(root, path).Replace('\\', '/');

    static string CacheName(string root) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..24] + ".txt";

    // Format: header, "root <path>", "dirs <n>", n lines "<ticks>\t<relative dir>", "files <m>", m lines "<relative file>".
    static List<string>? TryReadCache(string cacheFile, string root)
    {
        if (!File.Exists(cacheFile)) return null;
        try
        {
            using var reader = new StreamReader(cacheFile, Encoding.UTF8);
            string Next() => reader.ReadLine() ?? throw new FormatException("the file ends early");
            if (Next() != Header || Next() != $"root {root}") return null;
            int dirCount = int.Parse(Next().AsSpan("dirs ".Length));
            for (int i = 0; i < dirCount; i++)
            {
                string line = Next();
                int tab = line.IndexOf('\t');
                if (tab < 0) throw new FormatException($"bad directory line '{line}'");
                string dir = Path.Combine(root, line[(tab + 1)..]);
                if (!Directory.Exists(dir) || Directory.GetLastWriteTimeUtc(dir).Ticks != long.Parse(line.AsSpan(0, tab))) return null;
            }
            int fileCount = int.Parse(Next().AsSpan("files ".Length));
            var files = new List<string>(fileCount);
            for (int i = 0; i < fileCount; i++) files.Add(Next());
            return files.Count > 0 ? files : null;
        }
        catch (Exception e) when (e is IOException or FormatException or OverflowException or ArgumentException)
        {
            Log.Debug($"ignoring unreadable image index cache {cacheFile}: {e.Message}");
            return null;
        }
    }

    static void WriteCache(string cacheFile, string root, List<(string Path, long Ticks)> directories, List<string> files)
    {
        try
        {
            AtomicFile.Write(cacheFile, stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
                writer.WriteLine(Header);
                writer.WriteLine($"root {root}");
                writer.WriteLine($"dirs {directories.Count}");
                foreach (var (path, ticks) in directories) writer.WriteLine($"{ticks}\t{path}");
                writer.WriteLine($"files {files.Count}");
                foreach (string file in files) writer.WriteLine(file);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only home only costs a re-listing next time.
            Log.Debug($"cannot write image index cache {cacheFile}: {e.Message}");
        }
    }
}
