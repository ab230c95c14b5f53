using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Dupr.Core.Runtime;
using static TorchSharp.torch;

namespace Dupr.Core.Checkpoints;

/// <summary>An ordered name -> tensor map read from a checkpoint; it owns its tensors and disposes them.</summary>
public sealed class StateDict : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly OrderedDictionary<string, Tensor> entries = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="tensor"/>, which this dictionary then owns; a repeated key is an error.</summary>
    public void Add(string key, Tensor tensor)
    {
        if (!entries.TryAdd(key, tensor)) throw new DuprException($"state dict has the key '{key}' twice");
    }

    /// <summary>
    /// Renames the keys with <paramref name="mapper"/>, moving the kept tensors into the result and disposing the
    /// dropped ones; this dictionary is left empty.
    /// </summary>
    public StateDict MapKeys(KeyMapper mapper)
    {
        var mapped = new StateDict();
        foreach (var (key, tensor) in mapper.Apply(entries))
            mapped.entries.Add(key, tensor);
        var kept = new HashSet<Tensor>(mapped.Values, ReferenceEqualityComparer.Instance);
        foreach (var tensor in entries.Values)
            if (!kept.Contains(tensor)) tensor.Dispose();
        entries.Clear();
        return mapped;
    }

    public Tensor this[string key] => entries[key];
    public IEnumerable<string> Keys => entries.Keys;
    public IEnumerable<Tensor> Values => entries.Values;
    public int Count => entries.Count;
    public bool ContainsKey(string key) => entries.ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => entries.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => entries.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes every tensor.</summary>
    public void Dispose()
    {
        foreach (var tensor in entries.Values) tensor.Dispose();
        entries.Clear();
    }
}
