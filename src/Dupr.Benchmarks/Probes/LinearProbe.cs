using Dupr.Core.Training;
using TorchSharp;
using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Probes;

/// <summary>
/// A linear classifier on frozen features (the linear-probe protocol of MoCo and solo-learn, on pooled features): the
/// features standardised with the training set's statistics, one fully connected layer trained by SGD with momentum 0.9
/// and a cosine learning rate over mini-batches of the shuffled training set; top-1 accuracy on the test set.
/// </summary>
public static class LinearProbe
{
    /// <summary>Top-1 accuracy (fraction) of a linear classifier trained on (<paramref name="train"/>, <paramref name="trainLabels"/>).</summary>
    public static double Top1(Tensor train, long[] trainLabels, Tensor test, long[] testLabels, int classes, long seed,
                              int epochs = 100, int batchSize = 256, double learningRate = 0.1, double weightDecay = 1e-4)
    {
        if (train.shape[0] != trainLabels.Length || test.shape[0] != testLabels.Length) throw new ArgumentException("features and labels differ in count");
        if (testLabels.Length == 0 || trainLabels.Length == 0) return double.NaN;
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed, train.device);
        var mean = train.mean([0], keepdim: true);
        var std = train.std(0, keepdim: true).clamp_min(S(1e-6));
        var x = train.sub(mean).div_(std);
        var y = tensor(trainLabels, device: train.device);

        long features = train.shape[1];
        var weight = new TorchSharp.Modules.Parameter(randn(classes, features, generator: generator, device: train.device).mul(S(0.01)));
        var bias = new TorchSharp.Modules.Parameter(zeros(classes, device: train.device));
        var optimizer = new Sgd([weight, bias], learningRate, momentum: 0.9, weightDecay: weightDecay);
        int n = trainLabels.Length;
        int steps = epochs * ((n + batchSize - 1) / batchSize), step = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var order = randperm(n, generator: generator, device: train.device);
            for (int start = 0; start < n; start += batchSize)
            {
                using var inner = NewDisposeScope();
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate * 0.5 * (1 + Math.Cos(Math.PI * step / steps));
                var rows = order[TensorIndex.Slice(start, Math.Min(n, start + batchSize))];
                var logits = nn.functional.linear(x.index_select(0, rows), weight, bias);
                var loss = nn.functional.cross_entropy(logits, y.index_select(0, rows));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                step++;
            }
        }
        using var noGrad = no_grad();
        var predicted = nn.functional.linear(test.sub(mean).div_(std), weight, bias).argmax(1).cpu().ReadArray<long>();
        return (double)predicted.Zip(testLabels).Count(p => p.First == p.Second) / testLabels.Length;
    }
}
