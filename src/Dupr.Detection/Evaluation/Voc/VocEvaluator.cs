using Dupr.Core.Runtime;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Evaluation;

namespace Dupr.Detection.Evaluation.Voc;

/// <summary>
/// Pascal VOC detection evaluation with detectron2's PascalVOCDetectionEvaluator semantics (its voc_eval): per
/// class and IoU threshold, detections ranked by score (NumPy's default argsort, ties included), each matched to
/// the ground truth it overlaps most with VOC's +1 pixel convention; a match needs IoU &gt; threshold; matching a
/// difficult object counts neither way; a second match of the same object is a false positive.
/// </summary>
public static class VocEvaluator
{
    // np.finfo(np.float64).eps: voc_eval's floor under tp + fp.
    const double Epsilon = 2.220446049250313e-16;

    /// <summary>Evaluates <paramref name="detections"/> on the images of <paramref name="annotations"/> for <paramref name="classNames"/>.</summary>
    public static VocEvalResult Evaluate(IReadOnlyList<VocAnnotation> annotations, VocDetections detections, VocMetric metric, IReadOnlyList<string> classNames, int? maxThreads = null)
    {
        var imageIndex = new Dictionary<string, int>(annotations.Count);
        for (int i = 0; i < annotations.Count; i++)
            if (!imageIndex.TryAdd(annotations[i].ImageId, i))
                throw new DuprException($"image {annotations[i].ImageId} appears twice in the image set");
        foreach (string className in classNames)
            foreach (VocDetection d in detections[className])
                if (!imageIndex.ContainsKey(d.ImageId))
                    throw new DuprException($"{detections.Locate(className, d)}: image {d.ImageId} is not in the image set");

        int thresholds = VocEvalResult.Thresholds.Count;
        var classAp = new double[classNames.Count, thresholds];
        var positives = new int[classNames.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxThreads ?? Environment.ProcessorCount };
        ParallelLoop.For(0, classNames.Count, parallel, c =>
        {
            var classGt = new ClassGroundTruth(annotations, classNames[c]);
            positives[c] = classGt.Positives;
            VocDetection[] ranked = Rank(detections[classNames[c]]);
            int[] gtImage = ranked.Select(d => imageIndex[d.ImageId]).ToArray();
            for (int t = 0; t < thresholds; t++)
                classAp[c, t] = 100 * AveragePrecision(classGt, ranked, gtImage, VocEvalResult.Thresholds[t] / 100.0, metric);
        });
        string[] empty = classNames.Where((_, c) => positives[c] == 0).ToArray();
        if (empty.Length > 0)
            Log.Warn($"no non-difficult ground truth for {string.Join(", ", empty)}: recall is 0/0 there, so their AP is NaN (area) or 0 (11-point), as in detectron2");
        return new VocEvalResult(metric, classNames, classAp);
    }

    /// <summary>Detections by decreasing score: np.argsort(-confidence), NumPy's unstable quicksort, as detectron2 sorts.</summary>
    static VocDetection[] Rank(IReadOnlyList<VocDetection> detections)
    {
        var negated = new double[detections.Count];
        for (int i = 0; i < negated.Length; i++) negated[i] = -detections[i].Score;
        return NumpyArgsort.Argsort(negated).Select(i => detections[i]).ToArray();
    }

    static double AveragePrecision(ClassGroundTruth gt, VocDetection[] ranked, int[] image, double threshold, VocMetric metric)
    {
        int nd = ranked.Length;
        var taken = gt.Boxes.Select(b => new bool[b.Length]).ToArray();
        var recall = new double[nd];
        var precision = new double[nd];
        double tp = 0, fp = 0;
        for (int d = 0; d < nd; d++)
        {
            VocDetection det = ranked[d];
            VocBox[] boxes = gt.Boxes[image[d]];
            double ovmax = double.NegativeInfinity;
            int jmax = -1;
            for (int j = 0; j < boxes.Length; j++)
            {
                double overlap = Overlap(det, boxes[j]);
                if (overlap > ovmax) { ovmax = overlap; jmax = j; }
            }
            if (ovmax > threshold)
            {
                if (!boxes[jmax].Difficult)
                {
                    if (!taken[image[d]][jmax]) { tp++; taken[image[d]][jmax] = true; }
                    else fp++;
                }
            }
            else fp++;
            recall[d] = tp / gt.Positives;
            precision[d] = tp / Math.Max(tp + fp, Epsilon);
        }
        return VocAveragePrecision.Compute(recall, precision, metric);
    }

    /// <summary>IoU with the +1 pixel convention (inclusive integer pixel boxes), in voc_eval's order of operations.</summary>
    static double Overlap(in VocDetection d, in VocBox g)
    {
        double iw = Math.Max(Math.Min(g.XMax, d.XMax) - Math.Max(g.XMin, d.XMin) + 1.0, 0.0);
        double ih = Math.Max(Math.Min(g.YMax, d.YMax) - Math.Max(g.YMin, d.YMin) + 1.0, 0.0);
        double inters = iw * ih;
        double uni = (d.XMax - d.XMin + 1.0) * (d.YMax - d.YMin + 1.0) + (g.XMax - g.XMin + 1.0) * (g.YMax - g.YMin + 1.0) - inters;
        return inters / uni;
    }

    readonly record struct VocBox(double XMin, double YMin, double XMax, double YMax, bool Difficult);

    /// <summary>One class's ground truth per image (image-set order) and its count of non-difficult objects (npos).</summary>
    sealed class ClassGroundTruth
    {
        public VocBox[][] Boxes { get; }
        public int Positives { get; }

        public ClassGroundTruth(IReadOnlyList<VocAnnotation> annotations, string className)
        {
            Boxes = new VocBox[annotations.Count][];
            for (int i = 0; i < annotations.Count; i++)
            {
                Boxes[i] = annotations[i].Objects.Where(o => o.Name == className)
                    .Select(o => new VocBox(o.XMin, o.YMin, o.XMax, o.YMax, o.Difficult)).ToArray();
                Positives += Boxes[i].Count(b => !b.Difficult);
            }
        }
    }
}
