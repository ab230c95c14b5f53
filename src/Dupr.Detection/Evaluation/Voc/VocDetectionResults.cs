using Dupr.Core.Runtime;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Modeling;
using Dupr.Detection.Evaluation;

namespace Dupr.Detection.Evaluation.Voc;

/// <summary>
/// Detections on a <see cref="VocTestSet"/>, named by image file stem. They are scored through the very text the results
/// files hold (3-decimal scores, 1-decimal boxes), as detectron2 scores the files it writes, so `dupr evaluate voc` on
/// the written files gives the same numbers.
/// </summary>
public sealed class VocDetectionResults : DetectionResults
{
    readonly VocTestSet _set;
    readonly List<(string ImageId, int Class, double Score, float[] Box)> _detections = [];

    /// <summary>An empty collection for <paramref name="set"/>.</summary>
    public VocDetectionResults(VocTestSet set) => _set = set;

    public override void Add(DetectionSample sample, Detections detections)
    {
        // VOC results name images by their file stem (the devkit's image id).
        string imageId = Path.GetFileNameWithoutExtension(sample.FileName) ?? throw new DuprException($"image {sample.ImageId} has no file name");
        var host = HostDetections.From(detections);
        for (int k = 0; k < host.Count; k++) _detections.Add((imageId, (int)host.Classes[k], host.Scores[k], host.Boxes[(4 * k)..(4 * k + 4)]));
    }

    public override string Write(string folder)
    {
        VocResultsWriter.Write(folder, _set.ClassNames, _detections);
        return folder;
    }

    public override DetectionMetrics Evaluate(int? maxThreads = null)
    {
        string source = "detections in memory";
        VocDetections detections = VocResultsReader.Parse(_set.ClassNames, VocResultsWriter.Format(_set.ClassNames, _detections), source);
        VocEvalResult result = VocEvaluator.Evaluate(_set.Annotations, detections, _set.Metric, _set.ClassNames, maxThreads);
        var document = VocReport.ToJson(result, _set.Devkit, _set.Year, _set.Split, source);
        return new DetectionMetrics("voc", [new DetectionScore("bbox", result.AP, result.AP50, result.AP75, document)]);
    }
}
