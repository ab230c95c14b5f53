using Dupr.Core.Checkpoints;
using Dupr.Core.Distributed;
using Dupr.Core.Runtime;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Core.Training;

/// <summary>
/// Checkpoints of a training run: checkpoints/iter_NNNNNNN/ holds the whole model, the optimiser state and the
/// trainer's <typeparamref name="TState"/> with the run's <see cref="RunOrigin"/> (state.json); checkpoints/last_checkpoint
/// names the newest complete one. A folder is written under a temporary name and renamed when complete, and the pointer
/// is replaced atomically after it, so a crash at any moment leaves the previous checkpoint usable.
/// </summary>
public sealed class RunCheckpoints<TState> where TState : class
{
    const string PointerName = "last_checkpoint", StateName = "state.json", OriginKey = "origin", ScalerKey = "loss_scaler";
    const int Keep = 2;
    readonly string _folder;
    readonly RunOrigin _origin;

    /// <summary>Checkpoints under <paramref name="runDirectory"/>/checkpoints of a run started from <paramref name="origin"/>.</summary>
    public RunCheckpoints(string runDirectory, RunOrigin origin)
    {
        _folder = Path.Combine(runDirectory, "checkpoints");
        _origin = origin;
    }

    /// <summary>The fp16 run's loss scaler, saved and restored with each checkpoint; null in other runs.</summary>
    public LossScaler? Scaler { get; set; }

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
        // Rank 0 writes the checkpoint for every rank of a multi-process run (their replicas are the same); the others wait
        // for it, so that no rank can end the job (an error, a stop) while it is being written.
        if (!World.Current.IsMain)
        {
            World.Current.Barrier();
            return final;
        }
        try
        {
            Write(model, optimizer, state, name, final, temp);
        }
        finally
        {
            World.Current.Barrier();
        }
        return final;
    }

    void Write(nn.Module model, OptimizerHelper optimizer, TState state, string name, string final, string temp)
    {
        // Unfinished folders of killed runs (this iteration's or another's) are never resumed from.
        if (Directory.Exists(_folder))
            foreach (string unfinished in Directory.GetDirectories(_folder, "iter_*.tmp")) Directory.Delete(unfinished, recursive: true);
        Directory.CreateDirectory(temp);
        ModuleCheckpoint.Save(model, Path.Combine(temp, "model.dat"), CheckpointFormat.TorchSharp);
        OptimizerCheckpoint.Save(optimizer, Path.Combine(temp, "optimizer.dat"));
        JObject stateJson = JObject.FromObject(state);
        stateJson[OriginKey] = new JObject { ["seed"] = _origin.Seed, ["data"] = _origin.DataPath };
        if (Scaler != null) stateJson[ScalerKey] = Scaler.ToJson();
        AtomicFile.WriteAllText(Path.Combine(temp, StateName), stateJson.ToString(Formatting.None));
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(temp, final);
        AtomicFile.WriteAllText(Path.Combine(_folder, PointerName), name + "\n");
        foreach (string old in Directory.GetDirectories(_folder, "iter_*").Where(d => !d.EndsWith(".tmp")).Order(StringComparer.Ordinal).SkipLast(Keep))
            Directory.Delete(old, recursive: true);
    }

    /// <summary>
    /// Restores the latest checkpoint into <paramref name="model"/> and <paramref name="optimizer"/> and returns the trainer
    /// state, after checking that the run resumes from the origin it started with.
    /// </summary>
    public TState Load(nn.Module model, OptimizerHelper optimizer)
    {
        string path = Latest ?? throw new DuprException($"{RunOptionNames.Current.Resume}: no checkpoint in {_folder}");
        string statePath = Path.Combine(path, StateName);
        JObject json = ReadState(statePath);
        CheckOrigin(json[OriginKey] as JObject, statePath);
        TState state = Parse(json, statePath);
        if (Scaler != null && json[ScalerKey] is JObject scaler) Scaler.Restore(scaler, statePath);
        ModuleCheckpoint.Load(model, Path.Combine(path, "model.dat"));
        OptimizerCheckpoint.Load(optimizer, Path.Combine(path, "optimizer.dat"));
        return state;
    }

    static JObject ReadState(string statePath)
    {
        try
        {
            return JToken.Parse(File.ReadAllText(statePath)) as JObject ?? throw new DuprException($"{statePath}: corrupt trainer state (not a JSON object)");
        }
        catch (JsonException e)
        {
            throw new DuprException($"{statePath}: corrupt trainer state ({e.Message})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DuprException($"{statePath}: cannot read the trainer state ({e.Message})", e);
        }
    }

    static TState Parse(JObject json, string statePath)
    {
        try
        {
            return json.ToObject<TState>() ?? throw new DuprException($"{statePath}: empty trainer state");
        }
        catch (JsonException e)
        {
            throw new DuprException($"{statePath}: corrupt trainer state ({e.Message})", e);
        }
    }

    // Checkpoints written before origins were recorded have none, and resume as before.
    void CheckOrigin(JObject? recorded, string statePath)
    {
        if (recorded == null) return;
        var names = RunOptionNames.Current;
        if (recorded.Value<long?>("seed") is long seed && seed != _origin.Seed)
            throw new DuprException($"{names.Resume}: the run was started with {names.Seed} {seed}, not {_origin.Seed} ({statePath}); resume with {names.Seed} {seed} or choose a new {names.Output}");
        if (recorded.Value<string?>("data") is string data && data != _origin.DataPath)
            throw new DuprException($"{names.Resume}: the run was started on {names.Data} {data}, not {_origin.DataPath} ({statePath}); resume with that {names.Data} or choose a new {names.Output}");
    }
}
