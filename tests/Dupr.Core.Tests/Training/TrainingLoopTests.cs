using Dupr.Core.Training;
using Dupr.Tests;
using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Training;

/// <summary>The shared step loop's stop: a stop request that finds a step waiting for its data ends the run there, with a checkpoint.</summary>
public class TrainingLoopTests
{
    static TrainingLoopResult Run(TempDirectory temp, Func<TrainingStep, StepReport> step, List<long> saved, CancellationToken cancellation)
    {
        var solver = new SolverConfig { MaxIter = 10, Steps = [], WarmupIters = 0, CheckpointPeriod = 100 };
        var run = RunDirectory.Create(temp.Path, solver);
        using var model = nn.Linear(2, 1);
        using var optimizer = new Sgd(model.parameters(), 0.1);
        var loop = new TrainingLoop(run, new TrainingLoopOptions { Name = "test", Solver = solver, BaseLr = 0.1, LogPeriod = 1, RateColumn = "iterations_per_s" },
            optimizer, start: 0, lastCheckpoint: null);
        return loop.Run(step, iteration =>
        {
            saved.Add(iteration);
            return $"iter_{iteration}";
        }, cancellation: cancellation);
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
            return new StepReport([("loss", 1.0)]);
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
}
