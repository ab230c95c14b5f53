using static TorchSharp.torch;

namespace Dupr.Benchmarks.Probes;

/// <summary>Globally average-pooled, L2-normalised features of every level for a set of crops: what kNN and linear probes classify.</summary>
public static class PooledFeatures
{
    /// <summary>Level -> [N, C] on the CPU, rows in the order of <paramref name="batches"/>.</summary>
    public static Dictionary<string, Tensor> Extract(IFeatureMaps model, IEnumerable<Tensor> batches)
    {
        var parts = model.Levels.ToDictionary(l => l, _ => new List<Tensor>());
        foreach (Tensor batch in batches)
        {
            using var scope = NewDisposeScope();
            using var _ = batch;
            foreach (var (level, map) in model.Compute(batch))
            {
                if (!parts.TryGetValue(level, out var list)) continue;
                var pooled = nn.functional.normalize(map.mean([2, 3]), dim: 1).cpu();
                list.Add(pooled.MoveToOuterDisposeScope());
            }
        }
        var result = new Dictionary<string, Tensor>();
        foreach (var (level, list) in parts)
        {
            result[level] = cat(list, 0);
            foreach (var t in list) t.Dispose();
        }
        return result;
    }
}
