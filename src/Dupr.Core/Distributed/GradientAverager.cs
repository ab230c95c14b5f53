using TorchSharp.Modules;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Distributed;

/// <summary>
/// Data parallelism's one step: after every rank's backward, each gradient becomes the mean of the ranks' gradients, so
/// every replica takes the same optimiser step (DDP's all-reduce, here after the backward rather than overlapped with it).
/// </summary>
/// <remarks>
/// Gradients travel as flat buckets of at most <see cref="BucketElements"/> values (few messages instead of one per small
/// parameter); a gradient that fills a bucket alone is all-reduced in place. A parameter that got no gradient on some
/// ranks (a branch that saw no sample) contributes zeros there; it gets a gradient wherever any rank produced one, so every
/// replica's optimiser sees the same parameters.
/// </remarks>
public sealed class GradientAverager
{
    /// <summary>
    /// Values per all-reduce message (4 MiB of float32): the many small gradients (norms, biases, heads) travel together,
    /// the large convolution weights alone and in place.
    /// </summary>
    public const int BucketElements = 1 << 20;

    readonly World _world;
    readonly Parameter[] _parameters;

    /// <summary>Averages the gradients of <paramref name="parameters"/> (those that require one) over <paramref name="world"/>.</summary>
    public GradientAverager(World world, IEnumerable<Parameter> parameters)
    {
        _world = world;
        _parameters = parameters.Where(p => p.requires_grad).ToArray();
    }

    /// <summary>Gradient values all-reduced per step (every trainable parameter's).</summary>
    public long Values => _parameters.Sum(p => p.numel());

    /// <summary>"23.5M gradient values (94 MB) in 6 buckets", for a run's first log lines.</summary>
    public string Volume => $"{Values / 1e6:0.0}M gradient values ({Values * 4 / 1e6:0} MB as float32) in {Buckets(_parameters).Count()} all-reduce bucket(s) per step";

    /// <summary>Seconds the last <see cref="Average"/> spent waiting for the slowest rank to finish its backward (load imbalance).</summary>
    public double WaitSeconds { get; private set; }

    /// <summary>Seconds the last <see cref="Average"/> spent in the all-reduces themselves, once every rank had arrived.</summary>
    public double Seconds { get; private set; }

    /// <summary>Replaces every gradient by its mean over the ranks; nothing to do in a world of one.</summary>
    public void Average()
    {
        if (_world.Size == 1) return;
        // The barrier separates the two costs a step pays here: waiting for the other ranks, and moving the gradients.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _world.Barrier();
        WaitSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        AverageBuckets();
        Seconds = clock.Elapsed.TotalSeconds;
    }

    void AverageBuckets()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double[] present = _world.AllReduceMax(_parameters.Select(p => p.grad is null ? 0.0 : 1.0).ToArray());
        var members = _parameters.Where((p, i) => present[i] > 0).ToList();
        foreach (var bucket in Buckets(members))
        {
            // A parameter alone in its bucket is all-reduced where its gradient lies: no copies in or out.
            if (bucket is [{ grad: { } alone }] && alone.is_contiguous())
            {
                _world.AllReduceSum(alone);
                alone.div_(S(_world.Size));
                continue;
            }
            var flat = cat(bucket.Select(p => p.grad is null ? zeros(p.numel(), p.dtype, p.device) : p.grad.flatten()).ToList());
            _world.AllReduceSum(flat);
            flat.div_(S(_world.Size));
            long offset = 0;
            foreach (var p in bucket)
            {
                var mean = flat.narrow(0, offset, p.numel()).view_as(p);
                if (p.grad is null) p.grad = mean.clone().DetachFromDisposeScope();
                else p.grad.copy_(mean);
                offset += p.numel();
            }
        }
    }

    // Consecutive parameters of one dtype and device, up to BucketElements values each (a larger parameter goes alone).
    static IEnumerable<List<Parameter>> Buckets(IEnumerable<Parameter> parameters)
    {
        var bucket = new List<Parameter>();
        long size = 0;
        foreach (var p in parameters)
        {
            bool fits = bucket.Count == 0 || (size + p.numel() <= BucketElements && p.dtype == bucket[0].dtype
                                                   && p.device_type == bucket[0].device_type && p.device_index == bucket[0].device_index);
            if (!fits)
            {
                yield return bucket;
                bucket = [];
                size = 0;
            }
            bucket.Add(p);
            size += p.numel();
        }
        if (bucket.Count > 0) yield return bucket;
    }
}
