using Dupr.Core.Checkpoints;
using Dupr.Core.Runtime;
using Newtonsoft.Json;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Core.Training;

/// <summary>
/// Checkpoints of a training run: checkpoints/iter_NNNNNNN/ holds the whole model, the optimiser state and the
/// trainer's <typeparamref name="TState"/> (state.json); checkpoints/last_checkpoint names the newest complete
/// one. A folder is written under a temporary name and renamed when complete, and the pointer is replaced
/// atomically after it, so a crash at any moment leaves the previous checkpoint usable.
/// </summary>
public sealed class RunCheckpoints<TState> where TState : class
{
    const string PointerName = "last_checkpoint";
    const int Keep = 2;
    readonly string _folder;

    /// <summary>Checkpoints under <paramref name="runDirectory"/>/checkpoints.</summary>
    public RunCheckpoints(string runDirectory) => _folder = Path.Combine(runDirectory, "checkpoints");

    /// <summary>The newest complete checkpoint folder, or null when there is none.</summary>
    public string? Latest
    {
        get
        {
            string pointer = Path.Combine(_folder, PointerName);
            if (!File.Exists(pointer)) return null;
            string path = Path.Combine(_folder, File.ReadAllText(pointer).Trim());
            return Directory.Exists(path) ? path : throw new DuprException($"{pointer} names {path}, which does not exist");
        }
    }

    /// <summary>Writes a checkpoint after <paramref name="iteration"/> steps and returns its folder.</summary>
    public string Save(nn.Module model, OptimizerHelper optimizer, long iteration, TState state)
    {
        string name = $"iter_{iteration:D7}";
        string final = Path.Combine(_folder, name), temp = final + ".tmp";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        ModuleCheckpoint.Save(model, Path.Combine(temp, "model.dat"), CheckpointFormat.TorchSharp);
        OptimizerCheckpoint.Save(optimizer, Path.Combine(temp, "optimizer.dat"));
        AtomicFile.WriteAllText(Path.Combine(temp, "state.json"), JsonConvert.SerializeObject(state));
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(temp, final);
        AtomicFile.WriteAllText(Path.Combine(_folder, PointerName), name + "\n");
        foreach (string old in Directory.GetDirectories(_folder, "iter_*").Where(d => !d.EndsWith(".tmp")).Order(StringComparer.Ordinal).SkipLast(Keep))
            Directory.Delete(old, recursive: true);
        return final;
    }

    /// <summary>Restores the latest checkpoint into <paramref name="model"/> and <paramref name="optimizer"/>; returns the trainer state.</summary>
    public TState Load(nn.Module model, OptimizerHelper optimizer)
    {
        string path = Latest ?? throw new DuprException($"--resume: no checkpoint in {_folder}");
        ModuleCheckpoint.Load(model, Path.Combine(path, "model.dat"));
        OptimizerCheckpoint.Load(optimizer, Path.Combine(path, "optimizer.dat"));
        string statePath = Path.Combine(path, "state.json");
        return JsonConvert.DeserializeObject<TState>(File.ReadAllText(statePath))
               ?? throw new DuprException($"{statePath}: empty trainer state");
    }
}
