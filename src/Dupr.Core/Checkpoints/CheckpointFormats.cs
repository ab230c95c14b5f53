using System.Buffers.Binary;
using Dupr.Core.Runtime;

namespace Dupr.Core.Checkpoints;

/// <summary>Chooses a <see cref="CheckpointFormat"/> from a file name (for writing) or a file's first bytes (for reading).</summary>
public static class CheckpointFormats
{
    /// <summary>The format a file name asks for: .pth/.pt/.tar PyTorch, .safetensors safetensors, anything else TorchSharp.</summary>
    public static CheckpointFormat FromExtension(string path)
    {
        string name = Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".safetensors", StringComparison.Ordinal)) return CheckpointFormat.Safetensors;
        if (name.EndsWith(".pth", StringComparison.Ordinal) || name.EndsWith(".pt", StringComparison.Ordinal)
            || name.EndsWith(".tar", StringComparison.Ordinal)) return CheckpointFormat.PyTorch;
        return CheckpointFormat.TorchSharp;
    }

    /// <summary>The format of an existing file, from its content (names can lie: MoCo writes .pth.tar zip files).</summary>
    public static CheckpointFormat Detect(string path)
    {
        if (!File.Exists(path)) throw new DuprException($"checkpoint not found: {path}");
        Span<byte> head = stackalloc byte[9];
        int read;
        using (var stream = File.OpenRead(path)) read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        // torch.save's zip container (PyTorch >= 1.6).
        if (head.StartsWith("PK\x03\x04"u8)) return CheckpointFormat.PyTorch;
        // A bare pickle: PyTorch's legacy torch.save format or detectron2's .pkl, which PyBridge cannot read.
        if (read >= 2 && head[0] == 0x80 && head[1] <= 5)
            throw new DuprException($"{path} is a bare pickle (PyTorch's legacy torch.save format or a detectron2 .pkl); "
                                    + "re-save it in Python with torch.save(state_dict, path) (PyTorch >= 1.6)");
        // safetensors: an 8-byte little-endian header length, then a JSON object.
        if (read == 9 && head[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(head) < (ulong)new FileInfo(path).Length)
            return CheckpointFormat.Safetensors;
        return CheckpointFormat.TorchSharp;
    }
}
