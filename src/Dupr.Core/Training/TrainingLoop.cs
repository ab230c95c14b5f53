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
/// The steps' values stay on the device until a log period or a checkpoint reads them all at once and checks them (a
/// non-finite loss stops the run then, before any checkpoint holds its weights), so that a GPU step never waits for the host.
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
        var progress = new Progress(_options.Name, maxIter, "it", _start);
        string? lastCheckpoint = _resumedFrom;
        IReadOnlyList<(string Name, double Value)> lastTerms = [];
        var unread = new List<(long Iteration, StepReport Report)>();
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
            double lr = LrSchedule.At(solver, _options.BaseLr, iteration);
            using (var scope = NewDisposeScope())
            {
                foreach (var group in _optimizer.ParamGroups) group.LearningRate = lr;
                try
                {
                    var report = step(new TrainingStep(iteration));
                    // The step's values outlive its scope until a log period or a checkpoint reads them.
                    report.Terms.Values.DetachFromDisposeScope();
                    report.Metrics?.Values.DetachFromDisposeScope();
                    unread.Add((iteration, report));
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    interrupted = true;
                    break;
                }
            }
            iteration++;

            bool log = iteration % _options.LogPeriod == 0 || iteration == maxIter;
            bool checkpoint = iteration % solver.CheckpointPeriod == 0 && iteration < maxIter;
            if (log || checkpoint || (_options.ReadAfter?.Invoke(iteration) ?? false))
            {
                var extra = unread[^1].Report.Extra ?? [];
                (lastTerms, var metrics) = Read(unread, lastCheckpoint);
                if (log)
                {
                    double rate = (iteration - _start) * _options.RateUnitsPerIteration / clock.Elapsed.TotalSeconds;
                    var row = lastTerms.Concat([("lr", lr), (_options.RateColumn, rate)]).Concat(metrics).Concat(extra).ToList();
                    _metrics?.Append(iteration, row);
                    foreach (var (name, value) in row) Board?.add_scalar($"{_options.Name}/{name}", (float)value, (int)iteration);
                }
            }
            // Between log periods the line shows the last values read.
            progress.Report(iteration, string.Join(' ', lastTerms.Take(_options.ProgressTerms).Select(t => $"{t.Name}={t.Value:0.000}")) + $" lr={lr:G3}");
            if (checkpoint) lastCheckpoint = saveCheckpoint(iteration);
            afterStep?.Invoke(iteration);
        }

        // The steps since the last read are checked before the last checkpoint is written.
        if (unread.Count > 0) lastTerms = Read(unread, lastCheckpoint).Terms;
        lastCheckpoint = saveCheckpoint(iteration);
        return new TrainingLoopResult(iteration, interrupted, lastTerms, (iteration - _start) / Math.Max(1e-9, clock.Elapsed.TotalSeconds), lastCheckpoint);
    }

    /// <summary>
    /// Reads the values of <paramref name="unread"/> steps in one host read, averages each step's terms over the ranks and
    /// stops training at the first non-finite one (<see cref="LossGuard"/>); returns the last step's terms and metrics.
    /// </summary>
    static (IReadOnlyList<(string Name, double Value)> Terms, IReadOnlyList<(string Name, double Value)> Metrics) Read(
        List<(long Iteration, StepReport Report)> unread, string? lastCheckpoint)
    {
        var tensors = unread.SelectMany(u => new[] { u.Report.Terms.Values, u.Report.Metrics?.Values }).OfType<Tensor>().ToList();
        try
        {
            double[] values;
            using (NewDisposeScope()) values = cat(tensors).cpu().ReadArray<double>();
            var world = World.Current;
            int at = 0;
            IReadOnlyList<(string, double)> Take(DeviceScalars scalars) => scalars.Names.Select(name => (name, values[at++])).ToList();
            IReadOnlyList<(string, double)> terms = [], metrics = [];
            foreach (var (iteration, report) in unread)
            {
                terms = world.MeanByName(Take(report.Terms), report.TermNames);
                LossGuard.EnsureFinite(terms, iteration, lastCheckpoint);
                // Only the last step's metrics are logged.
                var own = report.Metrics is null ? [] : Take(report.Metrics);
                if (report.Metrics is not null && iteration == unread[^1].Iteration) metrics = world.MeanByName(own, report.MetricNames ?? report.Metrics.Names);
            }
            return (terms, metrics);
        }
        finally
        {
            foreach (var tensor in tensors) tensor.Dispose();
            unread.Clear();
        }
    }

    /// <summary>
    /// The seed of step <paramref name="iteration"/>'s own randomness: a resumed run draws what an uninterrupted one
    /// would, because nothing carries over from earlier steps' generators.
    /// </summary>
    public static int StepSeed(long seed, long iteration) => unchecked((int)(seed * 1_000_003L + iteration * 7_919L + 17));
}
