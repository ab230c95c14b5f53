using System.Diagnostics;
using Dupr.Core.Distributed;
using Dupr.Core.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dupr.Core.Training;

/// <summary>
/// The step loop both trainers share: stop on cancellation at a step boundary, set the scheduled learning rate on
/// every parameter group, run the trainer's step in its own dispose scope, append a metrics.csv and TensorBoard row
/// every log period, report progress with rate and ETA, write periodic checkpoints and a last one when it stops.
/// </summary>
public sealed class TrainingLoop
{
    readonly RunDirectory _run;
    readonly TrainingLoopOptions _options;
    readonly OptimizerHelper _optimizer;
    readonly long _start;
    readonly string? _resumedFrom;

    /// <summary>A loop over <paramref name="optimizer"/> that starts after <paramref name="start"/> steps (resumed from <paramref name="lastCheckpoint"/>, if any).</summary>
    public TrainingLoop(RunDirectory run, TrainingLoopOptions options, OptimizerHelper optimizer, long start, string? lastCheckpoint)
    {
        _run = run;
        _options = options;
        _optimizer = optimizer;
        _start = start;
        _resumedFrom = lastCheckpoint;
        // Rank 0 writes the run's logs for every rank.
        if (!World.Current.IsMain) return;
        Board = torch.utils.tensorboard.SummaryWriter(run.PathOf("tb"));
        _metrics = new MetricsCsv(run.PathOf("metrics.csv"), resumeIteration: start);
    }

    readonly MetricsCsv? _metrics;

    /// <summary>The run's TensorBoard writer (tb/), for trainers that log more than the step rows (evaluation); null on ranks other than 0.</summary>
    public TorchSharp.Modules.SummaryWriter? Board { get; }

    /// <summary>
    /// Logs <paramref name="values"/> as the metrics.csv and TensorBoard row of <paramref name="iteration"/> outside a step
    /// (e.g. a measurement before the first step); call before <see cref="Run"/>.
    /// </summary>
    public void LogExtra(long iteration, IReadOnlyList<(string Name, double Value)> values)
    {
        _metrics?.Append(iteration, values);
        foreach (var (name, value) in values) Board?.add_scalar($"{_options.Name}/{name}", (float)value, (int)iteration);
    }

    /// <summary>
    /// Runs <paramref name="step"/> until max_iter or until <paramref name="cancellation"/> fires. <paramref name="saveCheckpoint"/>
    /// writes a checkpoint after the given number of steps and returns its folder; <paramref name="afterStep"/> runs after
    /// each step (and its periodic checkpoint) with the number of steps done. A step that <paramref name="cancellation"/>
    /// interrupts (it throws <see cref="OperationCanceledException"/>, e.g. while waiting for the loader) must not have changed
    /// the model yet: the loop then stops as at a step boundary.
    /// </summary>
    public TrainingLoopResult Run(Func<TrainingStep, StepReport> step, Func<long, string> saveCheckpoint, Action<long>? afterStep = null,
                                  CancellationToken cancellation = default)
    {
        var solver = _options.Solver;
        long maxIter = solver.MaxIter;
        var metrics = _metrics;
        var progress = new Progress(_options.Name, maxIter, "it", _start);
        string? lastCheckpoint = _resumedFrom;
        IReadOnlyList<(string, double)> lastTerms = [];
        var clock = Stopwatch.StartNew();
        long iteration = _start;
        bool interrupted = false;

        while (iteration < maxIter)
        {
            // Every rank stops at the same step (one that stopped alone would leave the others waiting in a collective).
            if (World.Current.Any(cancellation.IsCancellationRequested))
            {
                interrupted = true;
                break;
            }
            using (var scope = NewDisposeScope())
            {
                double lr = LrSchedule.At(solver, _options.BaseLr, iteration);
                foreach (var group in _optimizer.ParamGroups) group.LearningRate = lr;
                StepReport report;
                try
                {
                    report = step(new TrainingStep(iteration, lastCheckpoint));
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    interrupted = true;
                    break;
                }
                iteration++;
                lastTerms = report.Terms;

                if (iteration % _options.LogPeriod == 0 || iteration == maxIter)
                {
                    double rate = (iteration - _start) * _options.RateUnitsPerIteration / clock.Elapsed.TotalSeconds;
                    var row = report.Terms.Concat([("lr", lr), (_options.RateColumn, rate)]).Concat(report.Extra ?? []).ToList();
                    metrics?.Append(iteration, row);
                    foreach (var (name, value) in row) Board?.add_scalar($"{_options.Name}/{name}", (float)value, (int)iteration);
                }
                progress.Report(iteration, string.Join(' ', report.Terms.Take(_options.ProgressTerms).Select(t => $"{t.Name}={t.Value:0.000}")) + $" lr={lr:G3}");
            }
            if (iteration % solver.CheckpointPeriod == 0 && iteration < maxIter) lastCheckpoint = saveCheckpoint(iteration);
            afterStep?.Invoke(iteration);
        }

        lastCheckpoint = saveCheckpoint(iteration);
        return new TrainingLoopResult(iteration, interrupted, lastTerms, (iteration - _start) / Math.Max(1e-9, clock.Elapsed.TotalSeconds), lastCheckpoint);
    }

    /// <summary>
    /// The seed of step <paramref name="iteration"/>'s own randomness: a resumed run draws what an uninterrupted one
    /// would, because nothing carries over from earlier steps' generators.
    /// </summary>
    public static int StepSeed(long seed, long iteration) => unchecked((int)(seed * 1_000_003L + iteration * 7_919L + 17));
}
