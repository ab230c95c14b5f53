using Dupr.Benchmarks.Runner;
using Dupr.Tests;

namespace Dupr.Benchmarks.Tests.Runner;

public class SuiteRunnerTests
{
    static readonly Action<string> Quiet = _ => { };

    static (SuitePlan Plan, FakeStageExecutor Executor, SuiteRunner Runner) Setup(TempDirectory temp)
    {
        var executor = new FakeStageExecutor();
        return (SuitePlan.Build(SuiteFixtures.Tiny(), temp.File("out"), data: null), executor, new SuiteRunner(executor, Quiet));
    }

    [Fact]
    public void ARunRunsEveryStageOnceAndASecondRunReusesThemAll()
    {
        using var temp = TestPaths.Temp();
        var (plan, executor, runner) = Setup(temp);
        var first = runner.Run(plan);
        Assert.All(first, o => Assert.Equal(StageStatus.Ran, o.Status));
        Assert.Equal(plan.Stages.Select(s => s.Name), executor.Ran);

        var again = SuitePlan.Build(SuiteFixtures.Tiny(), temp.File("out"), data: null);
        var second = runner.Run(again);
        Assert.All(second, o => Assert.Equal(StageStatus.Cached, o.Status));
        Assert.Equal(plan.Stages.Count, executor.Ran.Count);
    }

    [Fact]
    public void AfterAStopMidStageTheRerunSkipsFinishedStagesAndContinuesTheStoppedOne()
    {
        using var temp = TestPaths.Temp();
        var (plan, executor, runner) = Setup(temp);
        string stopped = plan.Stages.OfType<FinetuneStage>().Skip(1).First().Name;
        executor.InterruptAt = stopped;
        Assert.Throws<StageInterruptedException>(() => runner.Run(plan));
        int before = plan.Stages.ToList().FindIndex(s => s.Name == stopped);
        Assert.Equal(plan.Stages.Take(before).Select(s => s.Name), executor.Ran);

        executor.Ran.Clear();
        var outcomes = runner.Run(SuitePlan.Build(SuiteFixtures.Tiny(), temp.File("out"), data: null));
        Assert.All(outcomes.Take(before), o => Assert.Equal(StageStatus.Cached, o.Status));
        Assert.Equal(StageStatus.Resumed, outcomes[before].Status);
        Assert.All(outcomes.Skip(before + 1), o => Assert.Equal(StageStatus.Ran, o.Status));
        Assert.Equal(plan.Stages.Skip(before).Select(s => s.Name), executor.Ran);
        Assert.Equal([stopped], executor.FoundPartial); // it continued from what the stopped attempt left
    }

    [Fact]
    public void AStageKilledBeforeItsDoneMarkerRunsAgainAsAResumedStage()
    {
        using var temp = TestPaths.Temp();
        var (plan, executor, runner) = Setup(temp);
        runner.Run(plan);
        // A kill between the trainer's last checkpoint and the done marker: the folder and its key are there, done.json is not.
        var victim = plan.Stages.OfType<PretrainStage>().Last();
        File.Delete(Path.Combine(victim.Directory, StageStore.DoneFile));
        executor.Ran.Clear();

        var outcomes = runner.Run(plan);
        Assert.Equal([victim.Name], executor.Ran);
        Assert.Equal(StageStatus.Resumed, outcomes.Single(o => o.Stage == victim).Status);
    }

    [Fact]
    public void AStageWhoseOutputWasDeletedRunsAgain()
    {
        using var temp = TestPaths.Temp();
        var (plan, executor, runner) = Setup(temp);
        runner.Run(plan);
        var finetune = plan.Stages.OfType<FinetuneStage>().First();
        File.Delete(finetune.FinalWeights);
        executor.Ran.Clear();
        runner.Run(plan);
        Assert.Equal([finetune.Name], executor.Ran);
    }

    [Fact]
    public void ChangingAFineTuningOverrideRerunsItsFineTuningsAndEvaluationsOnly()
    {
        using var temp = TestPaths.Temp();
        var executor = new FakeStageExecutor();
        var runner = new SuiteRunner(executor, Quiet);
        string output = temp.File("out");
        runner.Run(SuitePlan.Build(SuiteFixtures.Edited(temp, t => t), output, data: null));
        executor.Ran.Clear();

        var changed = SuitePlan.Build(SuiteFixtures.Edited(temp, t => t.Replace("\"solver.max_iter=3\"", "\"solver.max_iter=4\"")), output, data: null);
        runner.Run(changed);
        Assert.NotEmpty(executor.Ran);
        Assert.All(executor.Ran, name => Assert.Matches("^(finetune|evaluate)-", name));
        Assert.Equal(changed.Stages.Count(s => s is FinetuneStage or EvaluateStage), executor.Ran.Count);
    }

    [Fact]
    public void ARunWithProblemsRefusesToStartAndSaysWhy()
    {
        using var temp = TestPaths.Temp();
        var suite = SuiteFixtures.Edited(temp, t => t.Replace("voc_faster_rcnn_r18_c4_mini.json", "no_such_recipe.json"));
        var plan = SuitePlan.Build(suite, temp.File("out"), data: null);
        var error = Assert.Throws<Dupr.Core.Runtime.DuprException>(() => new SuiteRunner(new FakeStageExecutor(), Quiet).Run(plan));
        Assert.Contains("no_such_recipe.json", error.Message);
        Assert.False(Directory.Exists(temp.File("out")));
    }
}
