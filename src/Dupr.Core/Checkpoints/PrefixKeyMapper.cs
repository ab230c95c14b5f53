namespace Dupr.Core.Checkpoints;

/// <summary>
/// Keeps the keys under a prefix with the prefix removed (e.g. MoCo's "module.encoder_q."), dropping the rest and
/// any kept key under one of the head prefixes (e.g. "fc.").
/// </summary>
public sealed class PrefixKeyMapper(string prefix, params string[] dropPrefixes) : KeyMapper
{
    public override string? Map(string key)
    {
        if (!key.StartsWith(prefix, StringComparison.Ordinal)) return null;
        string stripped = key[prefix.Length..];
        return dropPrefixes.Any(drop => stripped.StartsWith(drop, StringComparison.Ordinal)) ? null : stripped;
    }
}
