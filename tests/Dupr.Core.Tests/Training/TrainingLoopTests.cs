using Dupr.Core.Runtime;
using Dupr.Core.Training;
using Dupr.Tests;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Training;

/// <summary>
/// The shared step loop: a stop request that finds a step waiting for its data ends the run there, with a checkpoint; the
/// steps' values are read once per log period, and a non-finite one stops the run before a checkpoint holds it.
/// </summary>
public class TrainingLoopTests
{
    // A step's report as a trainer makes it: the loss and one more term, on the device.
    static StepReport Report(double loss) => new(DeviceScalars.Stack(["loss", "term"], [tensor(loss), tensor(loss / 2)]), ["loss", "term"]);

    static TrainingLoopResult Run(TempDirectory temp, Func<TrainingStep, StepReport> step, List<long> saved, CancellationToken cancellation, int logPeriod = 1,
                                  Func<long, bool>? readAfter = null, Action<long>? afterStep = null)
    {
        var solver = new SolverConfig { MaxIter = 10, Steps = [], WarmupIters = 0, CheckpointPeriod = 100 };
        var run = RunDirectory.Create(temp.Path, solver);
        using var model = nn.Linear(2, 1);
        using var optimizer = new Sgd(model.parameters(), 0.1);
        var loop = new TrainingLoop(run, new TrainingLoopOptions { Name = "test", Solver = solver, BaseLr = 0.1, LogPeriod = logPeriod, RateColumn = "iterations_per_s", ReadAfter = readAfter },
            optimizer, start: 0, lastCheckpoint: null);
        return loop.Run(step, iteration =>
        {
            saved.Add(iteration);
            return $"iter_{iteration}";
        }, afterStep, cancellation);
    }

    // SIGTERM while the trainer waited for the loader ended in an unhandled OperationCanceledException, with no checkpoint.
    [Fact]
    public void AStopWhileAStepWaitsForItsDataEndsTheRunBeforeThatStepWithACheckpoint()
    {
        using var temp = TestPaths.Temp();
        using var stop = new CancellationTokenSource();
        var saved = new List<long>();
        var result = Run(temp, step =>
        {
            if (step.Iteration == 3)
            {
                stop.Cancel(); // the signal arrives while the loader is still building the step's batch
                stop.Token.ThrowIfCancellationRequested();
            }
            return Report(1.0);
        }, saved, stop.Token);

        Assert.True(result.Interrupted);
        Assert.Equal(3, result.Iterations);
        Assert.Equal([3L], saved);
        Assert.Equal([1.0, 2.0, 3.0], MetricsCsv.Read(temp.File("metrics.csv")).Select(r => r["iteration"]));
    }

    [Fact]
    public void ACancellationThatIsNotTheStopRequestIsAnError()
    {
        using var temp = TestPaths.Temp();
        Assert.Throws<OperationCanceledException>(() =>
            Run(temp, _ => throw new OperationCanceledException(), [], CancellationToken.None));
    }

    [Fact]
    public void TheStepsValuesAreReadOncePerLogPeriodAndTheLoggedRowIsTheLogStepsOwn()
    {
        using var temp = TestPaths.Temp();
        long reads = -1;
        var result = Run(temp, step =>
        {
            if (step.Iteration == 0) reads = HostReads.OnThisThread;
            return Report(step.Iteration + 1);
        }, [], CancellationToken.None, logPeriod: 5);
        reads = HostReads.OnThisThread - reads;

        Assert.Equal(2, reads); // 10 steps, log period 5: the loop reads at steps 5 and 10, nothing in between
        var rows = MetricsCsv.Read(temp.File("metrics.csv"));
        Assert.Equal([5.0, 10.0], rows.Select(r => r["iteration"]));
        Assert.Equal([5.0, 10.0], rows.Select(r => r["loss"]));
        Assert.Equal([2.5, 5.0], rows.Select(r => r["term"]));
        Assert.Equal([("loss", 10.0), ("term", 5.0)], result.LastTerms);
    }

    [Fact]
    public void ANonFiniteLossBetweenLogPeriodsStopsTheRunAtTheReadNamingItsStepAndWritesNoCheckpoint()
    {
        using var temp = TestPaths.Temp();
        var saved = new List<long>();
        int stepsRun = 0;
        var error = Assert.Throws<DuprException>(() => Run(temp, step =>
        {
            stepsRun++;
            return Report(step.Iteration is 2 or 3 ? double.NaN : 1.0);
        }, saved, CancellationToken.None, logPeriod: 5));

        Assert.Contains("loss 'loss' became NaN at iteration 2", error.Message);
        Assert.Equal(5, stepsRun); // found at the log period's read
        Assert.Empty(saved);
    }

    [Fact]
    public void StepsSinceTheLastReadAreCheckedBeforeTheLastCheckpoint()
    {
        using var temp = TestPaths.Temp();
        using var stop = new CancellationTokenSource();
        var saved = new List<long>();
        Assert.Throws<DuprException>(() => Run(temp, step =>
        {
            if (step.Iteration == 3) stop.Cancel();
            return Report(step.Iteration == 1 ? double.PositiveInfinity : 1.0);
        }, saved, stop.Token, logPeriod: 5));
        Assert.Empty(saved);
    }

    [Fact]
    public void StepsAreCheckedBeforeTheAfterStepWorkOfAnIterationThatAsksForIt()
    {
        // A periodic evaluation after iteration 3 must not score weights broken at iteration 1 (log period 5).
        using var temp = TestPaths.Temp();
        var after = new List<long>();
        var error = Assert.Throws<DuprException>(() => Run(temp, step => Report(step.Iteration == 1 ? double.NaN : 1.0), [], CancellationToken.None,
            logPeriod: 5, readAfter: iteration => iteration == 3, afterStep: after.Add));
        Assert.Contains("at iteration 1", error.Message);
        Assert.Equal([1L, 2L], after);
    }
}
