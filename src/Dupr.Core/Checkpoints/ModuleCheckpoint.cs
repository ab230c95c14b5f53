using Dupr.Core.Runtime;
using static TorchSharp.torch;

namespace Dupr.Core.Checkpoints;

/// <summary>Saves and loads a module's weights in any supported format, with optional key mapping.</summary>
public static class ModuleCheckpoint
{
    /// <summary>
    /// Writes <paramref name="module"/>'s state dict to <paramref name="path"/> atomically, in <paramref name="format"/>
    /// (default: from the extension), renamed by <paramref name="mapper"/> (e.g. to detectron2 names) if given.
    /// </summary>
    public static void Save(nn.Module module, string path, CheckpointFormat? format = null, KeyMapper? mapper = null)
    {
        IEnumerable<KeyValuePair<string, Tensor>> entries = module.state_dict();
        StateDictFile.Write(path, mapper is null ? entries : mapper.Apply(entries), format);
    }

    /// <summary>
    /// Loads <paramref name="path"/> (any format) into <paramref name="module"/>, renaming keys with
    /// <paramref name="mapper"/> first. See <see cref="StateDictLoader.Load"/> for <paramref name="strict"/>;
    /// a partial load is also logged.
    /// </summary>
    public static LoadReport Load(nn.Module module, string path, KeyMapper? mapper = null, bool strict = true)
    {
        using var read = StateDictFile.Read(path);
        using var mapped = mapper is null ? null : read.MapKeys(mapper); // leaves read empty
        var report = StateDictLoader.Load(module, mapped ?? read, strict, path);
        if (!report.IsComplete) Log.Info($"{path}: partial load into {module.GetName()}: {report.Describe()}");
        return report;
    }
}
