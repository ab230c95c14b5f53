using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Detection.Training;
using Dupr.Pretrain.Data;
using static TorchSharp.torch;

namespace Dupr.Benchmarks.Probes;

/// <summary>
/// The probes of a backbone on a labeled detection set (a detection config's datasets under a data folder): kNN and linear
/// classification of object crops (training split as the bank / training set, test split scored), patch correspondence
/// (the paper's Fig. 7) and IoU-similarity (Fig. 6) on the test images.
/// </summary>
public static class BackboneProbes
{
    /// <summary>Probe names, in the order they run.</summary>
    public const string Knn = "knn", Linear = "linear", Correspondence = "correspondence", IouSimilarity = "iou-similarity";

    /// <summary>Every probe.</summary>
    public static IReadOnlyList<string> All { get; } = [Knn, Linear, Correspondence, IouSimilarity];

    /// <summary>Runs <paramref name="probes"/> on <paramref name="model"/>; rows per probe, level and metric.</summary>
    public static List<ProbeRow> Run(IFeatureMaps model, DetectionConfig config, string data, IReadOnlyCollection<string> probes, ProbeOptions options)
    {
        options.Validate();
        foreach (string probe in probes)
            if (!All.Contains(probe)) throw new DuprException($"unknown probe '{probe}'; valid: {string.Join(", ", All)}");
        var rows = new List<ProbeRow>();
        var test = DetectionDatasets.Records(config, data, test: true);
        if (probes.Contains(Knn) || probes.Contains(Linear)) rows.AddRange(Classification(model, config, data, test.Records, test.ClassNames.Count, probes, options));
        if (probes.Contains(Correspondence))
        {
            var images = test.Records.Take(options.Pairs).Select(r => r.FilePath).ToList();
            var views = ViewAugmentationOptions.MocoV2(options.ViewSize);
            foreach (var (level, (accuracy, cells, standardError)) in CorrespondenceProbe.Measure(model, images, views, options.Seed, Math.Min(options.BatchSize, 16)))
            {
                rows.Add(new ProbeRow(Correspondence, level, "accuracy", 100 * accuracy, 100 * standardError));
                rows.Add(new ProbeRow(Correspondence, level, "cells", cells));
            }
        }
        if (probes.Contains(IouSimilarity))
        {
            var curves = IouSimilarityProbe.Measure(model, test.Records, config.Input.MinSizeTest, config.Input.MaxSizeTest, options.Seed,
                options.RoisPerBox, options.RoiSize, options.MaxBoxes);
            foreach (var (level, curve) in curves)
            {
                rows.Add(new ProbeRow(IouSimilarity, level, "slope", curve.Slope, curve.SlopeStandardError));
                rows.Add(new ProbeRow(IouSimilarity, level, "gap", curve.Gap, curve.GapStandardError));
                for (int b = 0; b < IouSimilarityProbe.Bins; b++)
                    if (curve.BinCounts[b] > 0) rows.Add(new ProbeRow(IouSimilarity, level, BinMetric(b), curve.BinMeans[b]));
            }
        }
        return rows;
    }

    // A top-1 share of the test objects, in percent, with its binomial standard error.
    static ProbeRow Top1(string probe, string level, double share, int objects) =>
        new(probe, level, "top1", 100 * share, 100 * ProbeStandardError.Proportion(share, objects));

    /// <summary>The metric name of IoU bin <paramref name="bin"/>: "iou_" and its centre, e.g. iou_0.55.</summary>
    public static string BinMetric(int bin) => FormattableString.Invariant($"iou_{(bin + 0.5) / IouSimilarityProbe.Bins:0.00}");

    static IEnumerable<ProbeRow> Classification(IFeatureMaps model, DetectionConfig config, string data,
        IReadOnlyList<Detection.Data.Datasets.DetectionRecord> testRecords, int classes, IReadOnlyCollection<string> probes, ProbeOptions options)
    {
        var trainRecords = DetectionDatasets.Records(config, data, test: false).Records;
        var trainCrops = ObjectCrops.From(trainRecords, options.CropSize, options.Context, options.MaxObjects);
        var testCrops = ObjectCrops.From(testRecords, options.CropSize, options.Context, options.MaxObjects);
        if (trainCrops.Objects.Count == 0 || testCrops.Objects.Count == 0)
            throw new DuprException($"{data}: the kNN and linear probes need labeled objects in both the training and the test sets " +
                                    $"(found {trainCrops.Objects.Count} and {testCrops.Objects.Count})");
        Log.Info($"probing on {trainCrops.Objects.Count} training and {testCrops.Objects.Count} test objects ({classes} classes)");
        var trainFeatures = PooledFeatures.Extract(model, trainCrops.Batches(options.BatchSize));
        var testFeatures = PooledFeatures.Extract(model, testCrops.Batches(options.BatchSize));
        long[] trainLabels = trainCrops.Labels, testLabels = testCrops.Labels;
        var rows = new List<ProbeRow>();
        try
        {
            foreach (string level in model.Levels)
            {
                if (probes.Contains(Knn))
                    rows.Add(Top1(Knn, level, KnnProbe.Top1(trainFeatures[level], trainLabels, testFeatures[level], testLabels, classes, options.K, options.Temperature), testLabels.Length));
                if (probes.Contains(Linear))
                    rows.Add(Top1(Linear, level, LinearProbe.Top1(trainFeatures[level], trainLabels, testFeatures[level], testLabels, classes, options.Seed, options.LinearEpochs), testLabels.Length));
            }
        }
        finally
        {
            foreach (var t in trainFeatures.Values.Concat(testFeatures.Values)) t.Dispose();
        }
        return rows;
    }
}
