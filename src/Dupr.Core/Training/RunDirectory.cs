using Dupr.Core.Config;
using Dupr.Core.Runtime;

namespace Dupr.Core.Training;

/// <summary>A run's output folder: holds the resolved config beside checkpoints, metrics and results.</summary>
public sealed class RunDirectory
{
    /// <summary>The file name of the resolved config inside every run directory.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>The folder's full path.</summary>
    public string Root { get; }

    RunDirectory(string root) => Root = root;

    /// <summary>Creates (or reopens) <paramref name="path"/> and writes the resolved <paramref name="config"/> into it.</summary>
    public static RunDirectory Create(string path, object config)
    {
        string root = Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DuprException($"{path}: cannot create the run directory: {e.Message}");
        }
        ConfigLoader.Save(config, Path.Combine(root, ConfigFileName));
        return new RunDirectory(root);
    }

    /// <summary>The path of <paramref name="name"/> inside the run directory.</summary>
    public string PathOf(string name) => Path.Combine(Root, name);
}
