using static TorchSharp.torch;

namespace Dupr.Core.Checkpoints;

/// <summary>Copies a state dict into a module's parameters and buffers, checking keys and shapes first.</summary>
public static class StateDictLoader
{
    private const string BatchCounter = "num_batches_tracked";

    /// <summary>
    /// Loads <paramref name="source"/> into <paramref name="module"/>. Mis-shaped keys always fail; missing and
    /// unexpected keys fail unless <paramref name="strict"/> is false (partial loads, e.g. a backbone into a
    /// detector), when they are skipped and listed in the report. Nothing is copied when it fails.
    /// </summary>
    /// <exception cref="CheckpointMismatchException">The checkpoint does not fit; the message lists the keys.</exception>
    public static LoadReport Load(nn.Module module, IReadOnlyDictionary<string, Tensor> source, bool strict = true, string? sourceName = null)
    {
        var target = module.state_dict();
        var loaded = new List<string>();
        var missing = new List<string>();
        var ignored = new List<string>();
        var mismatched = new List<ShapeMismatch>();
        foreach (var (key, tensor) in target)
        {
            if (!source.TryGetValue(key, out var value))
            {
                (IsBenignCounter(key, source.ContainsKey) ? ignored : missing).Add(key);
                continue;
            }
            if (!value.shape.SequenceEqual(tensor.shape)) mismatched.Add(new ShapeMismatch(key, value.shape, tensor.shape));
            else loaded.Add(key);
        }
        var unexpected = new List<string>();
        foreach (string key in source.Keys.Where(k => !target.ContainsKey(k)))
            (IsBenignCounter(key, target.ContainsKey) ? ignored : unexpected).Add(key);

        var report = new LoadReport(loaded, missing, unexpected, mismatched, ignored);
        if (mismatched.Count > 0 || (strict && !report.IsComplete))
            throw new CheckpointMismatchException($"{sourceName ?? "state dict"} does not fit {module.GetName()}: {report.Describe()}", report);

        using (no_grad())
            foreach (string key in loaded)
                target[key].copy_(source[key]);
        return report;
    }

    /// <summary>
    /// BN's batch counter on one side only (FrozenBN has none): PyTorch's FrozenBatchNorm2d drops it on load and
    /// BN keeps its own, and it changes no output, so it is neither missing nor unexpected.
    /// </summary>
    private static bool IsBenignCounter(string key, Func<string, bool> otherSideHas) =>
        key.EndsWith(BatchCounter, StringComparison.Ordinal)
        && (key.Length == BatchCounter.Length || key[^(BatchCounter.Length + 1)] == '.')
        && otherSideHas(key[..^BatchCounter.Length] + "running_mean");
}
