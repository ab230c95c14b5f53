using System.Collections.Concurrent;
using System.Diagnostics;

namespace Dupr.Core.Runtime;

/// <summary>
/// Writes files through a temporary sibling and a rename, so readers never see a partial file. A write the file system
/// refuses (read-only, full, a directory in the way) is a <see cref="DuprException"/> naming the file; temporary
/// siblings a killed process left behind are removed by the next successful write of the same file.
/// </summary>
public static class AtomicFile
{
    const string TempMarker = ".tmp-";

    // Temporary files this process is writing now: another thread's write of the same file must not take them for leftovers.
    static readonly ConcurrentDictionary<string, byte> InFlight = new();

    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>; the old file stays intact if it throws.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new DuprException($"{path}: is a directory; give a file name");
        string temp = $"{full}{TempMarker}{Environment.ProcessId}-{Guid.NewGuid():N}";
        InFlight[temp] = 0;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DuprException($"{path}: cannot write (permission denied)", e);
        }
        catch (IOException e)
        {
            throw new DuprException($"{path}: cannot write ({e.Message})", e);
        }
        finally
        {
            InFlight.TryRemove(temp, out _);
            try
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the next write of this file to remove; the write's own outcome matters more.
            }
        }
        RemoveLeftovers(full);
    }

    /// <summary>Writes UTF-8 text atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });

    // Temporary siblings "<name>.tmp-<pid>-<guid>" whose writer is gone: a process killed mid-write (e.g. during the final
    // backbone.pth) leaves one, and nothing else would ever remove it.
    static void RemoveLeftovers(string full)
    {
        string prefix = Path.GetFileName(full) + TempMarker;
        try
        {
            foreach (string temp in Directory.EnumerateFiles(Path.GetDirectoryName(full)!, prefix + "*"))
                if (!InFlight.ContainsKey(temp) && !WriterAlive(Path.GetFileName(temp)[prefix.Length..]))
                    File.Delete(temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleaning up is a courtesy: the file itself was written.
        }
    }

    // The suffix is "<pid>-<guid>". A leftover with this process's id is from an earlier process that had the same id;
    // one that does not parse is not ours and is kept.
    static bool WriterAlive(string suffix)
    {
        int dash = suffix.IndexOf('-');
        if (dash <= 0 || !int.TryParse(suffix[..dash], out int pid)) return true;
        if (pid == Environment.ProcessId) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
