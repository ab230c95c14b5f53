using System.Text;
using Dupr.Core.Runtime;
using TorchSharp.Modules;

namespace Dupr.Core.Checkpoints;

/// <summary>Saves and loads optimizer state (momentum buffers, step counts, options) in TorchSharp's format.</summary>
public static class OptimizerCheckpoint
{
    /// <summary>Writes the state of <paramref name="optimizer"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(OptimizerHelper optimizer, string path) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            optimizer.save_state_dict(writer);
        });

    /// <summary>Restores the state of <paramref name="optimizer"/>, which must be built over the same parameters, from <paramref name="path"/>.</summary>
    public static void Load(OptimizerHelper optimizer, string path)
    {
        if (!File.Exists(path)) throw new DuprException($"optimizer state not found: {path}");
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            optimizer.load_state_dict(reader);
        }
        catch (Exception e) when (e is not DuprException)
        {
            throw new DuprException($"cannot load optimizer state from {path}: {e.Message}", e);
        }
    }
}
