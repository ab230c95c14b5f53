using System.Collections;
using System.Collections.Specialized;
using Dupr.Core.Runtime;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dupr.Core.Checkpoints;

/// <summary>Reads and writes PyTorch torch.save files through TorchSharp.PyBridge.</summary>
internal static class PyTorchFormat
{
    /// <summary>Entries that hold the model in training checkpoints: "state_dict" (MoCo), "model" (detectron2, torchvision's reference scripts).</summary>
    private static readonly string[] ContainerKeys = ["state_dict", "model"];

    /// <summary>The state dict in a torch.save file: the top-level dict, or its "state_dict" or "model" entry.</summary>
    public static StateDict Read(Stream stream, string source)
    {
        Hashtable root = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true);
        var result = new StateDict();
        try
        {
            var dict = Select(root, source);
            // Pickled dicts come back unordered; sort so reports and re-exports are deterministic.
            foreach (var key in dict.Keys.OfType<string>().Order(StringComparer.Ordinal))
                if (dict[key] is Tensor tensor) result.Add(key, tensor);
        }
        catch
        {
            result.Dispose();
            throw;
        }
        finally
        {
            // Everything else in the file (optimizer state, a momentum encoder, ...) is not returned.
            var kept = new HashSet<Tensor>(result.Values, ReferenceEqualityComparer.Instance);
            foreach (var tensor in Tensors(root))
                if (!kept.Contains(tensor)) tensor.Dispose();
        }
        return result;
    }

    public static void Write(Stream stream, IReadOnlyList<KeyValuePair<string, Tensor>> entries)
    {
        var dict = new OrderedDictionary(entries.Count);
        foreach (var (key, tensor) in entries) dict.Add(key, tensor);
        PyTorchPickler.PickleStateDict(stream, dict, leaveOpen: true);
    }

    private static Hashtable Select(Hashtable root, string source)
    {
        foreach (string key in ContainerKeys)
            if (root[key] is Hashtable container) return container;
        if (root.Values.OfType<Tensor>().Any()) return root;
        var keys = root.Keys.OfType<object>().Select(k => k.ToString()).Order(StringComparer.Ordinal);
        throw new DuprException($"{source}: no state dict found (top-level keys: {string.Join(", ", keys)}); "
                                + "expected tensors or a 'state_dict' or 'model' entry");
    }

    private static IEnumerable<Tensor> Tensors(object? node) => node switch
    {
        Tensor tensor => [tensor],
        IDictionary dict => dict.Values.Cast<object?>().SelectMany(Tensors),
        IList list => list.Cast<object?>().SelectMany(Tensors),
        _ => [],
    };
}
