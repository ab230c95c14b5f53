using Dupr.Core.Modeling;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Core.Tests.Modeling;

public class PreciseBatchNormTests
{
    sealed class Batch(Tensor images) : IDisposable
    {
        public Tensor Images { get; } = images;
        public bool Disposed { get; private set; }
        public void Dispose() => Disposed = true;
    }

    // conv -> BN -> ReLU -> conv -> BN: the second layer's input depends on the first one's batch statistics.
    static nn.Module<Tensor, Tensor> Model() =>
        nn.Sequential(nn.Conv2d(2, 4, 3), new BatchNorm2d(4), nn.ReLU(), nn.Conv2d(4, 3, 1), new BatchNorm2d(3));

    // Four batches of 5 images with different means and spreads, so the statistics differ from batch to batch.
    static List<Batch> Batches() =>
        Enumerable.Range(0, 4).Select(i => new Batch(randn(5, 2, 6, 6).mul(S(1 + 0.5 * i)).add(S(i - 1.5), One))).ToList();

    [Fact]
    public void RunningStatisticsBecomeTheAverageOfTheBatchesStatistics()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        var model = Model();
        var batches = Batches();
        model.train();
        foreach (var batch in batches.Take(2)) model.call(batch.Images.mul(S(3))); // stale statistics to be replaced
        model.eval();
        var weights = model.parameters().Select(p => p.detach().clone()).ToList();
        var bn1 = (BatchNorm2d)((nn.Module)model).modules().OfType<BatchNorm2d>().First();
        var bn2 = ((nn.Module)model).modules().OfType<BatchNorm2d>().Last();

        // The first layer's input is the convolution's output: its true statistics, computed directly.
        var conv = (nn.Module<Tensor, Tensor>)((nn.Module)model).named_children().First().module;
        var outputs = batches.Select(b => conv.call(b.Images).detach()).ToList();
        var expectedMean1 = cat(outputs, 0).mean([0, 2, 3]);  // batches of equal size: the mean of their means
        var expectedVar1 = stack(outputs.Select(o => o.var([0, 2, 3], unbiased: true)).ToList()).mean([0]);

        // The second layer's: what fvcore's update_bn_stats computes, momentum 1 (running = this batch) averaged by hand.
        var reference = Model();
        reference.load_state_dict(model.state_dict());
        var referenceBn2 = ((nn.Module)reference).modules().OfType<BatchNorm2d>().Last();
        referenceBn2.Momentum = 1.0;
        reference.train();
        var means = new List<Tensor>();
        var variances = new List<Tensor>();
        using (no_grad())
            foreach (var batch in batches)
            {
                reference.call(batch.Images);
                means.Add(referenceBn2.state_dict()["running_mean"].clone());
                variances.Add(referenceBn2.state_dict()["running_var"].clone());
            }

        int layers = PreciseBatchNorm.Update(model, batches.Append(new Batch(randn(5, 2, 6, 6).mul(S(50)))), batches.Count, b => model.call(b.Images));

        Assert.Equal(2, layers);
        Assert.True(bn1.state_dict()["running_mean"].allclose(expectedMean1, rtol: 1e-5, atol: 1e-6));
        Assert.True(bn1.state_dict()["running_var"].allclose(expectedVar1, rtol: 1e-5, atol: 1e-6));
        Assert.True(bn2.state_dict()["running_mean"].allclose(stack(means).mean([0]), rtol: 1e-5, atol: 1e-6));
        Assert.True(bn2.state_dict()["running_var"].allclose(stack(variances).mean([0]), rtol: 1e-5, atol: 1e-6));
        // Only the statistics changed: the weights, the mode and the momentum are as they were; the fifth batch was not used.
        Assert.All(model.parameters().Zip(weights), pair => Assert.True(pair.First.eq(pair.Second).all().item<bool>()));
        Assert.False(model.training);
        Assert.Equal([0.1, 0.1], new[] { bn1.Momentum, bn2.Momentum });
        Assert.All(batches, b => Assert.True(b.Disposed));
    }

    [Fact]
    public void AStopWhileWaitingForDataLeavesTheStatisticsAsTheyWere()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(6);
        var model = Model();
        model.train();
        model.call(randn(5, 2, 6, 6));
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

        IEnumerable<Batch> Stopped()
        {
            foreach (var batch in Batches().Take(2)) yield return batch;
            throw new OperationCanceledException();
        }
        Assert.Throws<OperationCanceledException>(() => PreciseBatchNorm.Update(model, Stopped(), 4, b => model.call(b.Images)));

        foreach (var (key, value) in model.state_dict()) Assert.True(value.eq(before[key]).all().item<bool>(), key);
        Assert.True(model.training);
    }

    [Fact]
    public void FrozenBatchNormHasNothingToRecompute()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(nn.Conv2d(2, 4, 3), new FrozenBatchNorm2d(4));
        Assert.Empty(PreciseBatchNorm.Layers(model));
        Assert.Equal(0, PreciseBatchNorm.Update(model, Batches(), 4, b => model.call(b.Images)));
    }
}
