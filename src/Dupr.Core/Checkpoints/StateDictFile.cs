using Dupr.Core.Runtime;
using static TorchSharp.torch;

namespace Dupr.Core.Checkpoints;

/// <summary>Reads state dicts from, and writes them atomically to, TorchSharp, PyTorch and safetensors files.</summary>
public static class StateDictFile
{
    /// <summary>Reads the state dict in <paramref name="path"/>, whatever its format (detected from the content).</summary>
    public static StateDict Read(string path)
    {
        var format = CheckpointFormats.Detect(path);
        using var stream = File.OpenRead(path);
        try
        {
            return format switch
            {
                CheckpointFormat.PyTorch => PyTorchFormat.Read(stream, path),
                CheckpointFormat.Safetensors => SafetensorsFormat.Read(stream),
                _ => TorchSharpFormat.Read(stream),
            };
        }
        catch (Exception e) when (e is not DuprException)
        {
            throw new DuprException($"cannot read {path} as a {format} checkpoint: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes <paramref name="entries"/> to <paramref name="path"/> in <paramref name="format"/> (default: from the
    /// extension, see <see cref="CheckpointFormats.FromExtension"/>); an existing file is replaced only once the new one is complete.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> entries, CheckpointFormat? format = null)
    {
        var chosen = format ?? CheckpointFormats.FromExtension(path);
        using var scope = NewDisposeScope();
        // Every format stores plain CPU bytes in row-major order.
        var prepared = entries.Select(e => KeyValuePair.Create(e.Key, e.Value.detach().cpu().contiguous())).ToList();
        try
        {
            AtomicFile.Write(path, stream =>
            {
                switch (chosen)
                {
                    case CheckpointFormat.PyTorch: PyTorchFormat.Write(stream, prepared); break;
                    case CheckpointFormat.Safetensors: SafetensorsFormat.Write(stream, prepared); break;
                    default: TorchSharpFormat.Write(stream, prepared); break;
                }
            });
        }
        catch (Exception e) when (e is NotImplementedException or NotSupportedException or IOException)
        {
            // PyBridge reports dtypes a format cannot hold as NotImplementedException.
            throw new DuprException($"cannot write {path} as a {chosen} checkpoint: {e.Message}", e);
        }
    }
}
