using Dupr.Core.Data;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Data.Datasets;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Evaluation;

namespace Dupr.Detection.Evaluation.Coco;

/// <summary>A COCO test set: one instances file and its image folder. Results are COCO results JSON in the file's image and category ids.</summary>
public sealed class CocoTestSet : DetectionTestSet
{
    /// <summary>The results file name (detectron2's COCOEvaluator writes the same).</summary>
    public const string ResultsFileName = "coco_instances_results.json";

    readonly CocoDetectionDataset _dataset;

    /// <summary>
    /// Serves the images of <paramref name="groundTruth"/> under <paramref name="imageRoot"/> through <paramref name="augmentation"/>;
    /// <paramref name="evaluateMasks"/>: score segm as well as bbox (mask detectors).
    /// </summary>
    public CocoTestSet(CocoDataset groundTruth, string imageRoot, DetectionAugmentation augmentation, bool evaluateMasks)
    {
        _dataset = new CocoDetectionDataset(groundTruth, imageRoot, augmentation, DetectionDatasetOptions.Evaluation);
        EvaluatesMasks = evaluateMasks;
    }

    /// <summary>The instances file: ground truth, and the category ids results carry.</summary>
    public CocoDataset GroundTruth => _dataset.Coco;

    /// <summary>Whether segm is scored besides bbox.</summary>
    public bool EvaluatesMasks { get; }

    public override IDataset<DetectionSample> Dataset => _dataset;

    public override IReadOnlyList<string> ClassNames => _dataset.ClassNames;

    public override string Description => GroundTruth.Source;

    public override DetectionResults NewResults() => new CocoDetectionResults(this);
}
