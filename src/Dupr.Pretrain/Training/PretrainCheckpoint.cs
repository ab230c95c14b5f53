using Dupr.Core.Checkpoints;
using Dupr.Core.Runtime;
using Newtonsoft.Json;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Pretrain.Training;

/// <summary>
/// Checkpoints of a pre-training run: checkpoints/iter_NNNNNNN/ holds the whole model (both encoders and
/// every memory bank), the optimiser state and the iteration; checkpoints/last_checkpoint names the newest
/// complete one. A folder is written under a temporary name and renamed when complete, and the pointer
/// is replaced atomically after it, so a crash at any moment leaves the previous checkpoint usable.
/// </summary>
public sealed class PretrainCheckpoint
{
    const string PointerName = "last_checkpoint";
    const int Keep = 2;
    readonly string _folder;

    sealed record TrainerState(long Iteration, long SkippedPairs);

    /// <summary>Checkpoints under <paramref name="runDirectory"/>/checkpoints.</summary>
    public PretrainCheckpoint(string runDirectory) => _folder = Path.Combine(runDirectory, "checkpoints");

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
    public string Save(nn.Module model, OptimizerHelper optimizer, long iteration, long skippedPairs)
    {
        string name = $"iter_{iteration:D7}";
        string final = Path.Combine(_folder, name), temp = final + ".tmp";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        ModuleCheckpoint.Save(model, Path.Combine(temp, "model.dat"), CheckpointFormat.TorchSharp);
        OptimizerCheckpoint.Save(optimizer, Path.Combine(temp, "optimizer.dat"));
        AtomicFile.WriteAllText(Path.Combine(temp, "state.json"), JsonConvert.SerializeObject(new TrainerState(iteration, skippedPairs)));
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(temp, final);
        AtomicFile.WriteAllText(Path.Combine(_folder, PointerName), name + "\n");
        foreach (string old in Directory.GetDirectories(_folder, "iter_*").Where(d => !d.EndsWith(".tmp")).Order(StringComparer.Ordinal).SkipLast(Keep))
            Directory.Delete(old, recursive: true);
        return final;
    }

    /// <summary>Restores the latest checkpoint into <paramref name="model"/> and <paramref name="optimizer"/>; returns (iteration, skipped pairs).</summary>
    public (long Iteration, long SkippedPairs) Load(nn.Module model, OptimizerHelper optimizer)
    {
        string path = Latest ?? throw new DuprException($"--resume: no checkpoint in {_folder}");
        ModuleCheckpoint.Load(model, Path.Combine(path, "model.dat"));
        OptimizerCheckpoint.Load(optimizer, Path.Combine(path, "optimizer.dat"));
        string statePath = Path.Combine(path, "state.json");
        var state = JsonConvert.DeserializeObject<TrainerState>(File.ReadAllText(statePath))
                    ?? throw new DuprException($"{statePath}: empty trainer state");
        return (state.Iteration, state.SkippedPairs);
    }
}
