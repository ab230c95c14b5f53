using Dupr.Detection.Config;
using Dupr.Detection.Training;
using Dupr.Pretrain.Training;
using static TorchSharp.torch;
using ResNet = Dupr.Core.Modeling.ResNet;

namespace Dupr.Benchmarks.Probes;

/// <summary>
/// The online kNN monitor of pre-training (as solo-learn's): the labeled set's object crops are made once and kept; each
/// measurement embeds them with the current backbone and reports the kNN top-1 (percent) of every level as knn_res2..knn_res5.
/// </summary>
public sealed class KnnMonitor : IBackboneMonitor, IDisposable
{
    readonly Tensor _trainCrops, _testCrops;
    readonly long[] _trainLabels, _testLabels;
    readonly int _classes, _batchSize;
    readonly ProbeOptions _options;

    /// <summary>Crops of the labeled set that <paramref name="config"/>'s datasets name under <paramref name="data"/> (at most <see cref="ProbeOptions.MaxObjects"/> per split).</summary>
    public KnnMonitor(DetectionConfig config, string data, ProbeOptions options)
    {
        options.Validate();
        _options = options;
        _batchSize = options.BatchSize;
        var test = DetectionDatasets.Records(config, data, test: true);
        var train = ObjectCrops.From(DetectionDatasets.Records(config, data, test: false).Records, options.CropSize, options.Context, options.MaxObjects);
        var held = ObjectCrops.From(test.Records, options.CropSize, options.Context, options.MaxObjects);
        _trainCrops = cat(train.Batches(options.BatchSize).ToList(), 0);
        _testCrops = cat(held.Batches(options.BatchSize).ToList(), 0);
        _trainLabels = train.Labels;
        _testLabels = held.Labels;
        _classes = test.ClassNames.Count;
    }

    /// <summary>Objects in the bank and in the scored set.</summary>
    public (int Train, int Test) Objects => (_trainLabels.Length, _testLabels.Length);

    public IReadOnlyList<(string Name, double Value)> Measure(ResNet backbone)
    {
        using var scope = NewDisposeScope();
        var maps = new ResNetFeatureMaps(backbone);
        var train = PooledFeatures.Extract(maps, _trainCrops.split(_batchSize).Select(t => t.alias()));
        var test = PooledFeatures.Extract(maps, _testCrops.split(_batchSize).Select(t => t.alias()));
        return maps.Levels.Select(level => ($"knn_{level}",
            100 * KnnProbe.Top1(train[level], _trainLabels, test[level], _testLabels, _classes, _options.K, _options.Temperature))).ToList();
    }

    public void Dispose()
    {
        _trainCrops.Dispose();
        _testCrops.Dispose();
    }
}
