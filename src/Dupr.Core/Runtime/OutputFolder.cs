namespace Dupr.Core.Runtime;

/// <summary>Creates the folders commands write into, turning the file system's refusal into one line naming the folder.</summary>
public static class OutputFolder
{
    /// <summary>Creates <paramref name="path"/> (and its parents) unless it exists; returns it.</summary>
    public static string Create(string path)
    {
        if (File.Exists(path)) throw new DuprException($"{path}: is a file; give a folder");
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DuprException($"{path}: cannot create the folder (permission denied)", e);
        }
        catch (IOException e)
        {
            throw new DuprException($"{path}: cannot create the folder ({e.Message})", e);
        }
        return path;
    }
}
