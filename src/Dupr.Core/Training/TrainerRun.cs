using Dupr.Core.Config;
using Dupr.Core.Data;
using Dupr.Core.Distributed;
using Dupr.Core.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Training;

/// <summary>
/// What every trainer sets up and does alike (detectron2's TrainerBase): the world and the split of the global batch, the
/// run directory and its checkpoints, sharded loader options, SGD over the trainable parameters with their gradients
/// averaged over the ranks, resuming, the training loop and its batch stream, and the end of each step (gradients
/// averaged, the optimiser step), in the run's precision (the forward passes
/// under <see cref="Autocast"/>, fp16's loss scaling in <see cref="Backward"/> and <see cref="EndStep"/>). A trainer adds only
/// its own: data, model, forward, state and exports.
/// </summary>
/// <typeparam name="TState">The trainer's own state saved with each checkpoint (at least the iteration).</typeparam>
public sealed class TrainerRun<TState> where TState : class
{
    readonly long _seed;
    readonly bool _resume;
    readonly LossScaler? _scaler;
    GradientAverager? _gradients;
    IReadOnlyList<Parameter> _trainable = [];

    TrainerRun(World world, int microBatch, int accumulation, RunCheckpoints<TState> checkpoints, RunDirectory directory, long seed, bool resume, Precision precision)
    {
        Precision = precision;
        _scaler = precision == Precision.Fp16 ? new LossScaler() : null;
        checkpoints.Scaler = _scaler;
        World = world;
        MicroBatch = microBatch;
        Accumulation = accumulation;
        Checkpoints = checkpoints;
        Directory = directory;
        _seed = seed;
        _resume = resume;
    }

    /// <summary>
    /// Splits <paramref name="train"/>'s batch over the world's ranks and its accumulation's micro-batches, and opens the run
    /// directory <paramref name="output"/> for <paramref name="config"/> (refusing a run with checkpoints without --resume,
    /// and a resume with another config). Steps compute in train.precision; train.tf32 lets CUDA's float32 convolutions and
    /// matmuls use TF32 (off: the same float32 as the CPU's).
    /// </summary>
    public static TrainerRun<TState> Open<TConfig>(string output, TConfig config, TrainSectionBase train, RunOrigin origin, bool resume, Device? device = null)
        where TConfig : class, new()
    {
        var precision = train.Precision;
        backends.cuda.matmul.allow_tf32 = train.Tf32;
        backends.cudnn.allow_tf32 = train.Tf32;
        if (precision != Precision.Fp32 && (device ?? CPU).type == DeviceType.CPU && NativeEnvironment.OneDnnCapped)
            Log.Warn($"train.precision {ConfigSchema.ValueName(precision)} on a CPU whose oneDNN is capped at {NativeEnvironment.CappedIsa} " +
                     "(dupr env): it has no 16-bit kernels there, so steps run several times slower than fp32");
        var world = World.Current;
        int microBatch = DataParallel.MicroBatch(world, train.BatchSize, train.Accumulation);
        var checkpoints = new RunCheckpoints<TState>(output, origin);
        var directory = RunDirectory.OpenForTraining(output, config, resume, checkpoints.Latest != null);
        return new TrainerRun<TState>(world, microBatch, train.Accumulation, checkpoints, directory, origin.Seed, resume, precision);
    }

    /// <summary>The compute precision of the forward passes (train.precision).</summary>
    public Precision Precision { get; }

    /// <summary>The processes of the run (a world of one without mpiexec).</summary>
    public World World { get; }

    /// <summary>Images per micro-batch on this rank.</summary>
    public int MicroBatch { get; }

    /// <summary>Micro-batches per optimiser step.</summary>
    public int Accumulation { get; }

    /// <summary>The run directory (written by rank 0).</summary>
    public RunDirectory Directory { get; }

    /// <summary>The run's checkpoints.</summary>
    public RunCheckpoints<TState> Checkpoints { get; }

    /// <summary>"2 ranks x 4 x 32": how a step's batch is made, for the run's first log line.</summary>
    public string BatchLayout => DataParallel.Describe(World, Accumulation, MicroBatch);

    /// <summary>Loader options for this rank's micro-batches: shuffled each epoch from the seed, full batches, this rank's shard.</summary>
    public DataLoaderOptions LoaderOptions(int workers, bool skipBad = false) => new()
    {
        BatchSize = MicroBatch, Workers = workers, Shuffle = true, DropLast = true, Seed = _seed, SkipBad = skipBad,
        ShardIndex = World.Rank, ShardCount = World.Size,
    };

    /// <summary>SGD over <paramref name="trainable"/> (solver's momentum, weight decay and norm groups) whose gradients <see cref="EndStep"/> averages over the ranks.</summary>
    public Sgd Optimizer(nn.Module model, IEnumerable<Parameter> trainable, SolverConfig solver, double baseLr)
    {
        var parameters = trainable.ToList();
        _trainable = parameters;
        _gradients = new GradientAverager(World, parameters);
        if (World.Size > 1) Log.Info($"data parallel over {World.Size} ranks: {_gradients.Volume}");
        return OptimizerParameters.CreateSgd(model, parameters, solver, baseLr);
    }

    /// <summary>Under --resume with a checkpoint: restores it into <paramref name="model"/> and <paramref name="optimizer"/> and returns the trainer's state; else null.</summary>
    public TState? Resume(nn.Module model, OptimizerHelper optimizer)
    {
        if (!_resume || Checkpoints.Latest is not string latest) return null;
        var state = Checkpoints.Load(model, optimizer);
        Log.Info($"resumed from {latest}");
        return state;
    }

    /// <summary>The step loop over <paramref name="optimizer"/>, starting after <paramref name="start"/> steps.</summary>
    public TrainingLoop Loop(TrainingLoopOptions options, OptimizerHelper optimizer, long start) =>
        new(Directory, options, optimizer, start, Checkpoints.Latest);

    /// <summary>This rank's micro-batches from step <paramref name="start"/> on, as an uninterrupted run would load them.</summary>
    public IEnumerator<TBatch> Batches<TSample, TBatch>(Data.DataLoader<TSample, TBatch> loader, long start, CancellationToken cancellation) where TBatch : class, IBatch =>
        loader.Stream(start * Accumulation, DataParallel.LoaderCancellation(World, cancellation)).GetEnumerator();

    /// <summary>Computes the forward passes inside it (until disposed) in the run's precision.</summary>
    public IDisposable Autocast() => Modeling.Autocast.Enter(Precision);

    /// <summary>The backward of one micro-batch's <paramref name="loss"/>: weighed 1/accumulation (the step follows the micro-batches' mean gradient), scaled under fp16.</summary>
    public void Backward(Tensor loss)
    {
        using var scope = NewDisposeScope();
        var weighed = loss.div(S(Accumulation));
        (_scaler?.ScaleLoss(weighed) ?? weighed).backward();
    }

    /// <summary>
    /// The end of a step, after its backward passes: the gradients become their mean over the ranks and
    /// <paramref name="optimizer"/> steps (under fp16 the gradients are unscaled first, and a step whose gradients overflowed
    /// is skipped: fp16's one host read per step, as torch's GradScaler makes). The step's loss terms are checked later, when
    /// the loop reads them.
    /// </summary>
    public void EndStep(TrainingStep step, OptimizerHelper optimizer)
    {
        (_gradients ?? throw new InvalidOperationException("create the optimizer first")).Average();
        if (_scaler is null || _scaler.UnscaleAndUpdate(_trainable)) optimizer.step();
        else Log.Warn($"fp16 gradients overflowed at iteration {step.Iteration + 1}: step skipped, loss scale now {_scaler.Scale:G}");
    }

    /// <summary>The metrics.csv columns of the last step: the all-reduce's (none in a world of one) and fp16's loss scale.</summary>
    public IReadOnlyList<(string Name, double Value)> StepColumns =>
    [
        .. _gradients is null ? [] : DataParallel.StepColumns(World, _gradients),
        .. _scaler is null ? (IEnumerable<(string, double)>)[] : [("loss_scale", _scaler.Scale)],
    ];
}
