using Dupr.Core.Runtime;
using static Dupr.Core.Runtime.Scalars;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Probes;

/// <summary>
/// Weighted k-nearest-neighbour classification of frozen features (InstDis' and MoCo's kNN monitor): each of the k most
/// cosine-similar training samples votes for its class with weight exp(similarity / T); top-1 accuracy over the test samples.
/// </summary>
public static class KnnProbe
{
    /// <summary>InstDis' defaults.</summary>
    public const int DefaultK = 20;
    public const double DefaultTemperature = 0.07;

    /// <summary>
    /// Top-1 accuracy (fraction) of <paramref name="test"/> [M, C] against the bank <paramref name="train"/> [N, C]; both rows L2-normalised.
    /// </summary>
    public static double Top1(Tensor train, long[] trainLabels, Tensor test, long[] testLabels, int classes, int k = DefaultK, double temperature = DefaultTemperature)
    {
        if (train.shape[0] != trainLabels.Length || test.shape[0] != testLabels.Length) throw new ArgumentException("features and labels differ in count");
        if (testLabels.Length == 0) return double.NaN;
        using var scope = NewDisposeScope();
        int neighbours = Math.Min(k, trainLabels.Length);
        var bankLabels = tensor(trainLabels, device: train.device);
        long correct = 0;
        const int chunk = 1024; // test rows per similarity block: [chunk, N] floats at a time
        for (long start = 0; start < testLabels.Length; start += chunk)
        {
            using var inner = NewDisposeScope();
            long end = Math.Min(testLabels.Length, start + chunk);
            var similarity = test[TensorIndex.Slice(start, end)].matmul(train.t());
            var (values, indices) = similarity.topk(neighbours, dim: 1);
            var weights = values.div(S(temperature)).exp_();
            var votes = zeros(end - start, classes, device: train.device)
                .scatter_add_(1, bankLabels[indices], weights);
            var predicted = votes.argmax(1).cpu().ReadArray<long>();
            for (long i = start; i < end; i++) correct += predicted[i - start] == testLabels[i] ? 1 : 0;
        }
        return (double)correct / testLabels.Length;
    }
}
