using TorchSharp;
using TorchSharp.Modules;
using Dupr.Core.Runtime;
using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>
/// Batch norm over [N, C, H, W] with batch statistics in training and running statistics in eval, as PyTorch's BatchNorm2d
/// (momentum 0.1, eps 1e-5, state-dict keys weight, bias, running_mean, running_var, num_batches_tracked).
/// </summary>
/// <remarks>
/// TorchSharp 0.107's BatchNorm2d counts batches with <c>num_batches_tracked.add_(1)</c>, whose implicit Scalars only the
/// finalizer frees; nothing keeps them alive during the native call, so the finalizer thread can free one while libtorch
/// reads it, and its memory can hold another thread's Scalar by then. A pre-training run died that way ("For integral input
/// tensors, argument alpha must not be a floating point number"). This one owns its Scalar.
/// </remarks>
public sealed class BatchNorm2d : nn.Module<Tensor, Tensor>
{
    private static readonly Scalar One = 1L.ToScalar();

    // PyTorch's names: they are the state-dict keys.
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;
    private readonly Tensor num_batches_tracked;
    private readonly double eps;

    /// <summary>Identity-initialised batch norm over <paramref name="numFeatures"/> channels.</summary>
    public BatchNorm2d(long numFeatures, double momentum = 0.1, double eps = 1e-5) : base(nameof(BatchNorm2d))
    {
        Momentum = momentum;
        this.eps = eps;
        // The module owns its tensors: a dispose scope around its construction must not free them.
        weight = new Parameter(ones(numFeatures).DetachFromDisposeScope());
        bias = new Parameter(zeros(numFeatures).DetachFromDisposeScope());
        running_mean = zeros(numFeatures).DetachFromDisposeScope();
        running_var = ones(numFeatures).DetachFromDisposeScope();
        num_batches_tracked = zeros([], dtype: ScalarType.Int64).DetachFromDisposeScope();
        RegisterComponents();
    }

    /// <summary>
    /// Weight of a training batch's statistics in the running ones (PyTorch's momentum); null: their cumulative average since
    /// <see cref="ResetRunningStats"/> (PyTorch's momentum=None, which precise BN uses).
    /// </summary>
    public double? Momentum { get; set; }

    /// <summary>
    /// SyncBN: in training, batch statistics over every rank's images (<see cref="Distributed.World.Current"/>); in a world
    /// of one, plain batch norm.
    /// </summary>
    public bool Synchronized { get; init; }

    /// <summary>PyTorch's reset_running_stats: running mean 0, running variance 1, no batch counted.</summary>
    public void ResetRunningStats()
    {
        using var noGrad = no_grad();
        running_mean.zero_();
        running_var.fill_(One);
        num_batches_tracked.zero_();
    }

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4) throw new ArgumentException($"BatchNorm2d expects [N, C, H, W], got {input.dim()} dimensions", nameof(input));
        if (training)
            using (no_grad())
                num_batches_tracked.add_(One, One);
        // PyTorch's exponential_average_factor: 1 / batches counted when momentum is None.
        double factor = Momentum ?? (training ? 1.0 / num_batches_tracked.ReadItem<long>() : 0.0);
        if (training && Synchronized && Distributed.World.Current is { Size: > 1 } world)
            return Distributed.SyncBatchStatistics.Forward(world, input, running_mean, running_var, weight, bias, factor, eps);
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, factor, eps);
    }
}
