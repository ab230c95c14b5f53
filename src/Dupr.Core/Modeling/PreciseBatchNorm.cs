using TorchSharp;
using static TorchSharp.torch;

namespace Dupr.Core.Modeling;

/// <summary>
/// Precise BN (fvcore's update_bn_stats, which detectron2's PreciseBN hook runs before each evaluation): the running mean and
/// variance of every <see cref="BatchNorm2d"/> are recomputed as the plain average of the batch statistics over a number of
/// training batches, in place of the momentum EMA that training left, which lags the weights and weighs a few recent batches.
/// </summary>
public static class PreciseBatchNorm
{
    /// <summary>The layers precise BN recomputes: BN with batch statistics in training (FrozenBN and GN keep none, so have nothing to recompute).</summary>
    public static IReadOnlyList<BatchNorm2d> Layers(nn.Module model) => model.modules().OfType<BatchNorm2d>().ToList();

    /// <summary>
    /// Runs <paramref name="forward"/> on the first <paramref name="iterations"/> batches of <paramref name="batches"/> (disposing
    /// each) in training mode without gradients, every BN layer's running statistics reset and then averaged over those batches
    /// (each batch's mean and unbiased variance weigh 1/iterations, PyTorch's momentum=None). The model's mode, the layers'
    /// momentum and every other buffer (e.g. RetinaNet's loss normaliser) are restored, so only the BN statistics change; if
    /// anything throws (a stop request while waiting for data), every buffer is restored. Returns how many BN layers were updated.
    /// </summary>
    public static int Update<TBatch>(nn.Module model, IEnumerable<TBatch> batches, int iterations, Action<TBatch> forward) where TBatch : IDisposable
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var layers = Layers(model);
        if (layers.Count == 0) return 0;
        using var scope = NewDisposeScope();
        var statistics = layers.SelectMany(l => l.buffers()).Select(b => b.Handle).ToHashSet();
        var saved = model.buffers().Select(b => (Buffer: b, Copy: b.detach().clone())).ToList();
        var momenta = layers.Select(l => l.Momentum).ToList();
        bool training = model.training;
        bool done = false;
        try
        {
            using var noGrad = no_grad();
            foreach (var layer in layers)
            {
                layer.ResetRunningStats();
                layer.Momentum = null;
            }
            model.train();
            int seen = 0;
            foreach (TBatch batch in batches)
            {
                using (batch)
                using (NewDisposeScope())
                    forward(batch);
                if (++seen == iterations) break;
            }
            if (seen < iterations) throw new ArgumentException($"precise BN needs {iterations} batches, the data gave {seen}", nameof(batches));
            done = true;
        }
        finally
        {
            for (int i = 0; i < layers.Count; i++) layers[i].Momentum = momenta[i];
            model.train(training);
            using (no_grad())
                foreach (var (buffer, copy) in saved)
                    if (!done || !statistics.Contains(buffer.Handle))
                        buffer.copy_(copy);
        }
        return layers.Count;
    }
}
