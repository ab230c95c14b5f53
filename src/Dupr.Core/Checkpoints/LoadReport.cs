namespace Dupr.Core.Checkpoints;

/// <summary>A checkpoint tensor whose shape differs from the module's tensor of the same name.</summary>
public sealed record ShapeMismatch(string Key, long[] CheckpointShape, long[] ModuleShape)
{
    public override string ToString() => $"{Key}: checkpoint [{string.Join(", ", CheckpointShape)}] vs module [{string.Join(", ", ModuleShape)}]";
}

/// <summary>What loading a state dict into a module did: keys loaded, missing, unexpected, mis-shaped and ignored.</summary>
public sealed record LoadReport(
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<ShapeMismatch> Mismatched,
    IReadOnlyList<string> Ignored)
{
    /// <summary>How many keys of each list <see cref="Describe"/> names before summarising the rest.</summary>
    public const int ListedPerKind = 10;

    /// <summary>True when every module key was loaded and every checkpoint key was used.</summary>
    public bool IsComplete => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0;

    /// <summary>One line naming the missing, unexpected and mis-shaped keys (with shapes), or "complete".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Missing.Count > 0) parts.Add($"missing keys ({Missing.Count}): {List(Missing)}");
        if (Unexpected.Count > 0) parts.Add($"unexpected keys ({Unexpected.Count}): {List(Unexpected)}");
        if (Mismatched.Count > 0) parts.Add($"shape mismatches ({Mismatched.Count}): {List(Mismatched.Select(m => m.ToString()).ToList())}");
        return parts.Count == 0 ? $"complete ({Loaded.Count} tensors)" : string.Join("; ", parts);
    }

    private static string List(IReadOnlyList<string> keys) =>
        keys.Count <= ListedPerKind
            ? string.Join(", ", keys)
            : $"{string.Join(", ", keys.Take(ListedPerKind))}, ... ({keys.Count - ListedPerKind} more)";
}
