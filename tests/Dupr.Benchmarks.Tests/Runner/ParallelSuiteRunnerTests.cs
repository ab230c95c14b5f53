using Dupr.Benchmarks.Runner;
using Dupr.Core.Runtime;
using Dupr.Tests;
using Newtonsoft.Json.Linq;

namespace Dupr.Benchmarks.Tests.Runner;

/// <summary>The parallel runner's scheduling: needs first, at most N at once, failures and stops.</summary>
public sealed class ParallelSuiteRunnerTests
{
    // Runs the fake executor on a worker thread, recording which stages overlapped.
    sealed class ThreadLauncher(FakeStageExecutor executor, string? failAt = null) : IStageLauncher
    {
        int _running;
        public int MostAtOnce { get; private set; }
        public List<string> Order { get; } = [];

        public Task Launch(Stage stage, CancellationToken stop) => Task.Factory.StartNew(() =>
        {
            int now = Interlocked.Increment(ref _running);
            lock (Order)
            {
                MostAtOnce = Math.Max(MostAtOnce, now);
                Assert.All(stage.Needs, n => Assert.True(StageStore.IsDone(n), $"{stage.Name} started before {n.Name} finished"));
                Order.Add(stage.Name);
            }
            Thread.Sleep(20);
            try
            {
                if (stage.Name == failAt) throw new DuprException("planted failure");
                JObject outputs;
                lock (executor) outputs = executor.Run(stage, stop);
                StageStore.Finish(stage, outputs, TimeSpan.Zero);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    [Fact]
    public void StagesRunAfterTheirNeedsAtMostJobsAtOnceAndGiveTheSequentialResults()
    {
        using var temp = TestPaths.Temp();
        var plan = SuitePlan.Build(SuiteFixtures.Tiny(), temp.File("parallel"), data: null);
        var launcher = new ThreadLauncher(new FakeStageExecutor());
        var outcomes = new ParallelSuiteRunner(launcher, jobs: 3, _ => { }).Run(plan);
        Assert.Equal(plan.Stages.Count, outcomes.Count);
        Assert.InRange(launcher.MostAtOnce, 2, 3);
        Assert.Equal("data", launcher.Order[0]);

        var sequential = SuitePlan.Build(SuiteFixtures.Tiny(), temp.File("sequential"), data: null);
        new SuiteRunner(new FakeStageExecutor(), _ => { }).Run(sequential);
        Assert.Equal(SuiteResults.Collect(sequential).Select(r => (r.Pretraining, r.Seed, r.Metric, r.Value)),
                     SuiteResults.Collect(plan).Select(r => (r.Pretraining, r.Seed, r.Metric, r.Value)));

        // Everything is finished now: a second run only reports cached stages.
        Assert.All(new ParallelSuiteRunner(launcher, jobs: 3, _ => { }).Run(plan), o => Assert.Equal(StageStatus.Cached, o.Status));
    }

    [Fact]
    public void StagesWithTheLongestChainBehindThemStartFirst()
    {
        using var temp = TestPaths.Temp();
        var plan = SuitePlan.Build(SuiteFixtures.Tiny(), temp.File("order"), data: null);
        var chain = ParallelSuiteRunner.CriticalPath(plan.Stages);
        // A pre-training carries the fine-tunings and evaluations that wait for it; random init's fine-tunings only their own.
        var pretrain = plan.Pretrainings.First(p => p.Pretraining.Name == "dupr").Stage;
        var randomFinetune = plan.Evaluations.First(e => e.Pretraining.Name == "random").Stage.Finetune;
        Assert.True(chain[pretrain] > chain[randomFinetune]);
        Assert.True(chain[plan.Stages[0]] >= chain.Values.Max());   // the data stage is needed by everything

        // With one job the order is a topological one that starts both pre-trainings before any random-init fine-tuning.
        var launcher = new ThreadLauncher(new FakeStageExecutor());
        new ParallelSuiteRunner(launcher, jobs: 1, _ => { }).Run(plan);
        int FirstIndex(string prefix) => launcher.Order.FindIndex(n => n.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(FirstIndex("pretrain-dupr") < FirstIndex("finetune-voc_c4-random"));
        Assert.True(FirstIndex("pretrain-mocov2") < FirstIndex("finetune-voc_c4-random"));
    }

    [Fact]
    public void AFailureStopsNewStagesAndNamesTheStage()
    {
        using var temp = TestPaths.Temp();
        var plan = SuitePlan.Build(SuiteFixtures.Tiny(), temp.Path, data: null);
        var launcher = new ThreadLauncher(new FakeStageExecutor(), failAt: "pretrain-mocov2");
        var error = Assert.Throws<DuprException>(() => new ParallelSuiteRunner(launcher, jobs: 2, _ => { }).Run(plan));
        Assert.Contains("pretrain-mocov2: planted failure", error.Message);
        Assert.DoesNotContain(launcher.Order, name => name.Contains("-mocov2-s"));   // nothing that needs it started
    }

    [Fact]
    public void AStopRequestStartsNothingNewAndSaysHowToContinue()
    {
        using var temp = TestPaths.Temp();
        var plan = SuitePlan.Build(SuiteFixtures.Tiny(), temp.Path, data: null);
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var error = Assert.Throws<StageInterruptedException>(() => new ParallelSuiteRunner(new ThreadLauncher(new FakeStageExecutor()), jobs: 2, _ => { }).Run(plan, stop.Token));
        Assert.Contains("run the same command again", error.Message);
    }
}
