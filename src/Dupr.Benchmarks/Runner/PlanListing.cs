using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Runner;

/// <summary>A plan as text for `dupr bench run --dry-run`: every stage with its folder and state, then what keeps the plan from running.</summary>
public static class PlanListing
{
    /// <summary>The stage state as shown: done (finished earlier, reused), started (continues from its checkpoint), to run.</summary>
    public static string State(Stage stage) =>
        StageStore.IsDone(stage) ? "done" : StageStore.IsStarted(stage) ? "started" : "to run";

    /// <summary>The listing's lines.</summary>
    public static IReadOnlyList<string> Lines(SuitePlan plan)
    {
        var lines = new List<string> { $"suite {plan.Suite.Name} ({plan.Suite.Path}): {plan.Stages.Count} stages in {plan.StagesRoot}" };
        int width = plan.Stages.Count == 0 ? 1 : plan.Stages.Max(s => s.Name.Length);
        for (int i = 0; i < plan.Stages.Count; i++)
        {
            Stage s = plan.Stages[i];
            lines.Add($"{i + 1,4}. {s.Name.PadRight(width)}  {s.Hash}  {State(s),-7} {s.Description}");
        }
        var counts = plan.Stages.GroupBy(State).Select(g => $"{g.Count()} {g.Key}");
        lines.Add($"stages: {string.Join(", ", counts)}");
        lines.AddRange(plan.Problems.Select(p => $"cannot plan: {p}"));
        lines.AddRange(plan.MissingInputs.Select(m => $"missing input: {m}"));
        return lines;
    }

    /// <summary>Prints <see cref="Lines"/> to standard output.</summary>
    public static void Print(SuitePlan plan)
    {
        foreach (string line in Lines(plan)) Console.WriteLine(line);
        if (plan.Problems.Count == 0 && plan.MissingInputs.Count > 0)
            Log.Info("the plan is complete; a real run needs the missing inputs above");
    }
}
