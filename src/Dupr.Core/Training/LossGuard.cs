using Dupr.Core.Runtime;

namespace Dupr.Core.Training;

/// <summary>Stops training on a non-finite loss with a message that says which term and where to resume.</summary>
public static class LossGuard
{
    /// <summary>Throws <see cref="DuprException"/> if any loss term is NaN or infinite.</summary>
    public static void EnsureFinite(IEnumerable<(string Name, double Value)> losses, long iteration, string? lastCheckpoint)
    {
        foreach (var (name, value) in losses)
        {
            if (double.IsFinite(value)) continue;
            string resume = lastCheckpoint == null ? "no checkpoint was written yet" : $"the last good checkpoint is {lastCheckpoint}";
            throw new DuprException($"loss '{name}' became {value} at iteration {iteration}; training stopped ({resume}; lower the learning rate and {RunOptionNames.Current.Resume})");
        }
    }
}
