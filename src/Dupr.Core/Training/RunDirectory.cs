using Dupr.Core.Config;
using Dupr.Core.Distributed;
using Dupr.Core.Runtime;
using Newtonsoft.Json.Linq;

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
        // Rank 0 writes the run directory for every rank of a multi-process run.
        if (!World.Current.IsMain) return new RunDirectory(root);
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

    /// <summary>
    /// Opens a training run's directory: a new run must not land on one that has checkpoints, and a
    /// resumed run must use the very config it was started with (resuming with another would mix two runs).
    /// </summary>
    public static RunDirectory OpenForTraining<TConfig>(string path, TConfig config, bool resume, bool hasCheckpoints) where TConfig : class, new()
    {
        string saved = Path.Combine(path, ConfigFileName);
        var names = RunOptionNames.Current;
        if (resume && File.Exists(saved))
        {
            var previous = JObject.Parse(ConfigLoader.Serialize(ConfigLoader.Load<TConfig>(saved)));
            var current = JObject.Parse(ConfigLoader.Serialize(config));
            if (!JToken.DeepEquals(previous, current))
                throw new DuprException($"{names.Resume}: the config differs from the run's {saved} in {ConfigDiff.Describe(previous, current)}; resume with that config (or a new {names.Output})");
        }
        else if (!resume && hasCheckpoints)
        {
            throw new DuprException($"{path} already holds a run with checkpoints; use {names.Resume} to continue it or choose a new {names.Output}");
        }
        return Create(path, config);
    }

    /// <summary>The path of <paramref name="name"/> inside the run directory.</summary>
    public string PathOf(string name) => Path.Combine(Root, name);
}
