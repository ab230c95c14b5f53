using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dupr.Core.Checkpoints;

/// <summary>Reads and writes safetensors files through TorchSharp.PyBridge.</summary>
internal static class SafetensorsFormat
{
    public static StateDict Read(Stream stream)
    {
        var loaded = Safetensors.LoadStateDict(stream, leaveOpen: true);
        var result = new StateDict();
        foreach (var (key, tensor) in loaded) result.Add(key, tensor);
        return result;
    }

    public static void Write(Stream stream, IReadOnlyList<KeyValuePair<string, Tensor>> entries) =>
        Safetensors.SaveStateDict(stream, new Dictionary<string, Tensor>(entries), leaveOpen: true);
}
