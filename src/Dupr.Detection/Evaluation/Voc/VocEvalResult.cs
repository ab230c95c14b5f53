using Dupr.Detection.Evaluation;
namespace Dupr.Detection.Evaluation.Voc;

/// <summary>
/// VOC detection metrics as detectron2's PascalVOCDetectionEvaluator reports them, in percent: AP (mean over IoU
/// 0.50:0.05:0.95 of the mean over classes), AP50, AP75, and every class's AP at every threshold.
/// </summary>
public sealed class VocEvalResult
{
    /// <summary>The IoU thresholds in percent: 50, 55, ..., 95.</summary>
    public static IReadOnlyList<int> Thresholds { get; } = [50, 55, 60, 65, 70, 75, 80, 85, 90, 95];

    readonly double[,] _classAp;

    /// <summary>The metric used.</summary>
    public VocMetric Metric { get; }

    /// <summary>Class names, in evaluation order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Mean over thresholds of the mean AP over classes.</summary>
    public double AP { get; }

    /// <summary>Mean AP over classes at IoU &gt; 0.5.</summary>
    public double AP50 { get; }

    /// <summary>Mean AP over classes at IoU &gt; 0.75.</summary>
    public double AP75 { get; }

    /// <param name="classAp">AP in percent per class and threshold index.</param>
    internal VocEvalResult(VocMetric metric, IReadOnlyList<string> classNames, double[,] classAp)
    {
        Metric = metric;
        ClassNames = classNames;
        _classAp = classAp;
        // detectron2: mAP = {iou: np.mean(aps over classes)}; AP = np.mean(list(mAP.values())).
        double[] meanPerThreshold = new double[Thresholds.Count];
        for (int t = 0; t < Thresholds.Count; t++)
        {
            double[] column = new double[classNames.Count];
            for (int c = 0; c < column.Length; c++) column[c] = classAp[c, t];
            meanPerThreshold[t] = NumpySum.Mean(column);
        }
        AP = NumpySum.Mean(meanPerThreshold);
        AP50 = meanPerThreshold[0];
        AP75 = meanPerThreshold[5];
    }

    /// <summary>AP in percent of class <paramref name="classIndex"/> at threshold index <paramref name="thresholdIndex"/> (see <see cref="Thresholds"/>).</summary>
    public double ClassAp(int classIndex, int thresholdIndex) => _classAp[classIndex, thresholdIndex];

    /// <summary>AP50 in percent of each class, in <see cref="ClassNames"/> order.</summary>
    public IReadOnlyList<double> ClassAp50 => Enumerable.Range(0, ClassNames.Count).Select(c => _classAp[c, 0]).ToArray();
}
