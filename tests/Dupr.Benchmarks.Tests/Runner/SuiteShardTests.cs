using Dupr.Benchmarks.Runner;
using Dupr.Core.Runtime;
using Dupr.Tests;

namespace Dupr.Benchmarks.Tests.Runner;

/// <summary>`bench run --shard K/N`: runners that split a plan through a shared stage folder.</summary>
public sealed class SuiteShardTests
{
    [Theory]
    [InlineData("1/2", 1, 2)]
    [InlineData("3/3", 3, 3)]
    public void AShardIsKOfN(string text, int number, int count) => Assert.Equal(new SuiteShard(number, count), SuiteShard.Parse(text));

    [Theory]
    [InlineData("0/2")]
    [InlineData("3/2")]
    [InlineData("2")]
    [InlineData("a/b")]
    public void AShardOutsideOneToNIsRefused(string text) =>
        Assert.StartsWith("--shard: expected K/N", Assert.Throws<DuprException>(() => SuiteShard.Parse(text)).Message);

    [Fact]
    public void TheShardsOwnDisjointSharesOfEveryStageBalancedByTheirWork()
    {
        using var temp = TestPaths.Temp();
        var plan = SuitePlan.Build(SuiteFixtures.Tiny(), temp.Path, data: null);
        var shares = Enumerable.Range(1, 2).Select(k => new SuiteShard(k, 2).Owned(plan)).ToList();
        Assert.Equal(plan.Stages.Count, shares.Sum(s => s.Count));
        Assert.Equal(plan.Stages.ToHashSet(), shares.SelectMany(s => s).ToHashSet());
        var work = shares.Select(s => s.Sum(ParallelSuiteRunner.EstimatedMinutes)).ToList();
        Assert.True(Math.Abs(work[0] - work[1]) <= plan.Stages.Max(ParallelSuiteRunner.EstimatedMinutes), $"unbalanced: {work[0]} vs {work[1]}");
    }

    [Fact]
    public async Task TwoShardsRunningAtOnceFinishThePlanBetweenThemAndAPlainRunThenOnlyReports()
    {
        using var temp = TestPaths.Temp();
        var executors = new[] { new FakeStageExecutor(), new FakeStageExecutor() };
        var shards = Enumerable.Range(0, 2).Select(k => Task.Run(() =>
        {
            // Each runner builds the plan itself, as a CI job does from the same command line.
            var plan = SuitePlan.Build(SuiteFixtures.Tiny(), temp.Path, data: null);
            var shard = new SuiteShard(k + 1, 2) { PollInterval = TimeSpan.FromMilliseconds(20) };
            return new SuiteRunner(executors[k], _ => { }).Run(plan, shard: shard);
        })).ToArray();
        await Task.WhenAll(shards);

        var all = SuitePlan.Build(SuiteFixtures.Tiny(), temp.Path, data: null);
        Assert.Equal(all.Stages.Select(s => s.Name).Order(), executors.SelectMany(e => e.Ran).Order()); // each stage ran once
        Assert.NotEmpty(executors[0].Ran);
        Assert.NotEmpty(executors[1].Ran);
        Assert.All(new SuiteRunner(new FakeStageExecutor(), _ => { }).Run(all), o => Assert.Equal(StageStatus.Cached, o.Status));
    }
}
