using Dupr.Core.Runtime;

namespace Dupr.Benchmarks.Runner;

/// <summary>
/// One of <see cref="Count"/> runners that split a suite's stages through a shared stage folder (`bench run --shard K/N`,
/// e.g. CI jobs): each owns a fixed share of the plan's stages and waits for the stages of others that its own need.
/// </summary>
/// <param name="Number">This runner's shard, 1..Count.</param>
/// <param name="Count">Runners in all.</param>
public sealed record SuiteShard(int Number, int Count)
{
    /// <summary>How often a shard looks whether a stage another shard runs has finished.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Parses "K/N" (1 &lt;= K &lt;= N).</summary>
    public static SuiteShard Parse(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out int k) && int.TryParse(parts[1], out int n) && n >= 1 && k >= 1 && k <= n)
            return new SuiteShard(k, n);
        throw new DuprException($"--shard: expected K/N with 1 <= K <= N (e.g. 1/2), got '{text}'");
    }

    /// <summary>
    /// The stages of <paramref name="plan"/> this shard runs. In plan order each stage goes to the shard with the least estimated
    /// work so far, except a light stage (an evaluation, a probe), which goes where the last stage it needs runs, so that it
    /// does not wait for another shard; every shard computes the same split from the same plan, whatever is already done.
    /// </summary>
    public IReadOnlySet<Stage> Owned(SuitePlan plan)
    {
        var load = new double[Count];
        var shardOf = new Dictionary<Stage, int>();
        foreach (var stage in plan.Stages)
        {
            double work = ParallelSuiteRunner.EstimatedMinutes(stage);
            int shard = work < LightStageMinutes && stage.Needs.Count > 0 ? shardOf[stage.Needs[^1]] : Array.IndexOf(load, load.Min());
            load[shard] += work;
            shardOf[stage] = shard;
        }
        return shardOf.Where(p => p.Value == Number - 1).Select(p => p.Key).ToHashSet();
    }

    // Stages estimated below this many minutes follow the stage they need.
    const double LightStageMinutes = 1;

    /// <summary>Waits until every stage <paramref name="stage"/> needs has finished (some run on other shards); false if stopped first.</summary>
    public bool WaitForNeeds(Stage stage, Action<string> log, CancellationToken cancellation)
    {
        bool told = false;
        while (stage.Needs.FirstOrDefault(n => !StageStore.IsDone(n)) is { } missing)
        {
            if (!told) log($"{stage.Name}: waiting for {missing.Name} (another shard's)");
            told = true;
            if (cancellation.WaitHandle.WaitOne(PollInterval)) return false;
        }
        return true;
    }

    public override string ToString() => $"{Number}/{Count}";
}
