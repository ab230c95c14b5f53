namespace Dupr.Core.Training;

/// <summary>What one optimisation step reports: its loss terms ("loss", the total, first) and extra metrics columns after the rate.</summary>
public sealed record StepReport(IReadOnlyList<(string Name, double Value)> Terms, IReadOnlyList<(string Name, double Value)>? Extra = null)
{
    /// <summary>Each name's mean over the micro-batches of an accumulated step, in the order the names first appear.</summary>
    public static List<(string Name, double Value)> MeanTerms(IEnumerable<(string Name, double Value)> values) =>
        values.GroupBy(t => t.Name).Select(g => (g.Key, g.Average(t => t.Value))).ToList();
}
