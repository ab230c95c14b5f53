using Dupr.Core.Runtime;

namespace Dupr.Core.Checkpoints;

/// <summary>Renames checkpoint keys from one naming scheme to another, or drops them.</summary>
public abstract class KeyMapper
{
    /// <summary>Keeps every key as it is (torchvision checkpoints into torchvision-named modules).</summary>
    public static KeyMapper Identity { get; } = new IdentityMapper();

    /// <summary>The new name of <paramref name="key"/>, or null to drop it.</summary>
    public abstract string? Map(string key);

    /// <summary>A mapper that applies this one, then <paramref name="next"/> to what is kept.</summary>
    public KeyMapper Then(KeyMapper next) => new Composed(this, next);

    /// <summary>Maps every key of <paramref name="entries"/>, keeping order; two keys mapped to one name is an error.</summary>
    public List<KeyValuePair<string, T>> Apply<T>(IEnumerable<KeyValuePair<string, T>> entries)
    {
        var result = new List<KeyValuePair<string, T>>();
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            if (Map(key) is not string mapped) continue;
            if (!sources.TryAdd(mapped, key))
                throw new DuprException($"key mapping sends both '{sources[mapped]}' and '{key}' to '{mapped}'");
            result.Add(new(mapped, value));
        }
        return result;
    }

    private sealed class IdentityMapper : KeyMapper
    {
        public override string? Map(string key) => key;
    }

    private sealed class Composed(KeyMapper first, KeyMapper second) : KeyMapper
    {
        public override string? Map(string key) => first.Map(key) is string mapped ? second.Map(mapped) : null;
    }
}
