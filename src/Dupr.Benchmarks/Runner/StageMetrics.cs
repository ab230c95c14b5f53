using Dupr.Benchmarks.Suites;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Training;
using Dupr.Detection.Evaluation.Coco;
using Dupr.Detection.Evaluation.Voc;

namespace Dupr.Benchmarks.Runner;

/// <summary>Scores a VOC results folder with the suite's metrics: detectron2's VOC evaluator on the devkit, COCOeval against the COCO ground truth of the same images.</summary>
public static class StageMetrics
{
    /// <summary>
    /// Metric -> percent for every requested metric the evaluators define (COCO's -1 "undefined" stats are left out, with a warning);
    /// <paramref name="data"/> holds the VOCdevkit, <paramref name="cocoGt"/> is needed for COCO metrics.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Compute(DetectionConfig config, string data, string results, IReadOnlyList<MetricKey> metrics,
        string? cocoGt, int? threads = null)
    {
        var classNames = DetectionDatasets.VocClassNames(config);
        var (year, split) = DatasetSection.ParseSets(config.Datasets.Test, "datasets.test").Single();
        VocDetections detections = VocResultsReader.Read(results, classNames);
        var values = new Dictionary<string, double>();

        if (metrics.Any(m => m.Evaluator == MetricEvaluator.Voc))
        {
            var kit = VocDevkit.Open(DetectionDatasets.Devkit(data), year);
            // The devkit's rule, as `dupr evaluate voc` applies it: 11-point AP for VOC2007, area under the curve after.
            var voc = VocEvaluator.Evaluate(kit.ReadAnnotations(split), detections, year == "2007" ? VocMetric.ElevenPoint : VocMetric.Area, classNames, threads);
            values["voc.AP"] = voc.AP;
            values["voc.AP50"] = voc.AP50;
            values["voc.AP75"] = voc.AP75;
        }
        if (metrics.Any(m => m.Evaluator == MetricEvaluator.Bbox))
        {
            string gtPath = cocoGt ?? throw new DuprException("bbox metrics need the COCO ground truth of the test images (coco_gt)");
            CocoDataset gt = CocoReader.Read(gtPath);
            var coco = CocoEvaluator.Evaluate(gt, VocResultsAsCoco.Convert(detections, classNames, gt), CocoIouType.Bbox, threads);
            for (int i = 0; i < coco.Stats.Count; i++)
                if (coco.Stats[i] >= 0) values[$"bbox.{CocoEvalResult.StatNames[i]}"] = 100 * coco.Stats[i];
        }
        if (metrics.Any(m => m.Evaluator == MetricEvaluator.Segm))
            throw new DuprException("segm metrics need mask results, which the runner's inference (VOC results files) does not produce");

        var chosen = new Dictionary<string, double>();
        foreach (string name in metrics.Select(m => m.ToString()))
        {
            if (values.TryGetValue(name, out double v) && double.IsFinite(v)) chosen[name] = v;
            else Log.Warn($"{results}: {name} is undefined (no ground truth in its range); left out of the results");
        }
        return chosen;
    }
}
