using Dupr.Core.Data;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Datasets;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Evaluation;

namespace Dupr.Detection.Evaluation.Voc;

/// <summary>
/// A VOC test set: the union of one or more (year, split) image sets of a VOCdevkit. Results are the per-class files
/// comp4_det_test_&lt;class&gt;.txt; the metric is VOC07's 11-point AP when every set is VOC2007 (as detectron2 does), else the area.
/// </summary>
public sealed class VocTestSet : DetectionTestSet
{
    readonly VocDetectionDataset _dataset;

    /// <summary>Serves <paramref name="sets"/> of <paramref name="devkit"/> through <paramref name="augmentation"/>, classes <paramref name="classNames"/>.</summary>
    public VocTestSet(string devkit, IReadOnlyList<(string Year, string Split)> sets, DetectionAugmentation augmentation, IReadOnlyList<string> classNames)
    {
        _dataset = new VocDetectionDataset(devkit, sets, augmentation, DetectionDatasetOptions.Evaluation, classNames);
        Devkit = devkit;
        Year = string.Join("+", sets.Select(s => s.Year).Distinct());
        Split = string.Join("+", sets.Select(s => s.Split).Distinct());
        Annotations = sets.SelectMany(s => VocDevkit.Open(devkit, s.Year).ReadAnnotations(s.Split)).ToList();
        Metric = VocMetrics.ForYears(sets.Select(s => s.Year));
    }

    /// <summary>The VOCdevkit folder.</summary>
    public string Devkit { get; }

    /// <summary>The sets' years, "+"-joined (e.g. "2007").</summary>
    public string Year { get; }

    /// <summary>The sets' splits, "+"-joined (e.g. "test").</summary>
    public string Split { get; }

    /// <summary>The ground truth, in image-set order.</summary>
    public IReadOnlyList<VocAnnotation> Annotations { get; }

    /// <summary>How AP is computed.</summary>
    public VocMetric Metric { get; }

    public override IDataset<DetectionSample> Dataset => _dataset;

    public override IReadOnlyList<string> ClassNames => _dataset.ClassNames;

    public override string Description => $"VOC{Year} {Split}";

    public override DetectionResults NewResults() => new VocDetectionResults(this);
}
