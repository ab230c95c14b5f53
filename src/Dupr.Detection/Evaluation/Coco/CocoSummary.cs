using System.Globalization;
using System.Runtime.InteropServices;
using Dupr.Detection.Evaluation;

namespace Dupr.Detection.Evaluation.Coco;

/// <summary>
/// COCOeval.summarize for bbox/segm: the 12 stats as means over the defined (&gt; -1) cells of the precision or
/// recall array, taken in NumPy's element order and summation order; -1 where no cell is defined.
/// </summary>
internal static class CocoSummary
{
    /// <summary>The 12 stats: (isAp, IoU threshold or null for all, area label, maxDets).</summary>
    public static readonly (bool Ap, double? Iou, string Area, int MaxDets)[] Settings =
    [
        (true, null, "all", 100), (true, 0.5, "all", 100), (true, 0.75, "all", 100),
        (true, null, "small", 100), (true, null, "medium", 100), (true, null, "large", 100),
        (false, null, "all", 1), (false, null, "all", 10), (false, null, "all", 100),
        (false, null, "small", 100), (false, null, "medium", 100), (false, null, "large", 100),
    ];

    /// <summary>The stat for <paramref name="setting"/>.</summary>
    public static double Stat(CocoEvalParams p, int categories, double[] precision, double[] recall, (bool Ap, double? Iou, string Area, int MaxDets) setting)
    {
        int a = IndexOf(p.AreaLabels, setting.Area);
        int m = IndexOf(p.MaxDets, setting.MaxDets);
        // np.where(iouThr == p.iouThrs): exact comparison against the linspace values.
        int[] thresholds = setting.Iou is double iou
            ? Enumerable.Range(0, p.IouThresholds.Count).Where(t => p.IouThresholds[t] == iou).ToArray()
            : Enumerable.Range(0, p.IouThresholds.Count).ToArray();
        if (a < 0 || m < 0) return -1;
        var defined = new List<double>();
        foreach (int t in thresholds)
        {
            if (setting.Ap)
            {
                for (int r = 0; r < p.RecallThresholds.Count; r++)
                    for (int k = 0; k < categories; k++)
                        Add(defined, precision[CocoAccumulator.PrecisionIndex(p, categories, t, r, k, a, m)]);
            }
            else
            {
                for (int k = 0; k < categories; k++)
                    Add(defined, recall[CocoAccumulator.RecallIndex(p, categories, t, k, a, m)]);
            }
        }
        return defined.Count == 0 ? -1 : NumpySum.Mean(CollectionsMarshal.AsSpan(defined));
    }

    /// <summary>The line pycocotools prints for a stat.</summary>
    public static string Line(CocoEvalParams p, (bool Ap, double? Iou, string Area, int MaxDets) setting, double value)
    {
        string title = setting.Ap ? "Average Precision" : "Average Recall";
        string type = setting.Ap ? "(AP)" : "(AR)";
        string iou = setting.Iou is double t ? F2(t) : $"{F2(p.IouThresholds[0])}:{F2(p.IouThresholds[^1])}";
        return string.Create(CultureInfo.InvariantCulture,
            $" {title,-18} {type} @[ IoU={iou,-9} | area={setting.Area,6} | maxDets={setting.MaxDets,3} ] = {value:0.000}");
    }

    /// <summary>
    /// AP of category <paramref name="k"/> as detectron2's per-category table computes it: the mean of the defined
    /// precision cells over all IoU thresholds and recall points, area "all", the largest maxDets; NaN if none.
    /// </summary>
    public static double CategoryAp(CocoEvalParams p, int categories, double[] precision, int k)
    {
        var defined = new List<double>();
        int m = p.MaxDets.Count - 1;
        for (int t = 0; t < p.IouThresholds.Count; t++)
            for (int r = 0; r < p.RecallThresholds.Count; r++)
                Add(defined, precision[CocoAccumulator.PrecisionIndex(p, categories, t, r, k, 0, m)]);
        return defined.Count == 0 ? double.NaN : NumpySum.Mean(CollectionsMarshal.AsSpan(defined));
    }

    static void Add(List<double> defined, double value)
    {
        if (value > -1) defined.Add(value);
    }

    static string F2(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    static int IndexOf<T>(IReadOnlyList<T> list, T value)
    {
        for (int i = 0; i < list.Count; i++)
            if (EqualityComparer<T>.Default.Equals(list[i], value)) return i;
        return -1;
    }
}
