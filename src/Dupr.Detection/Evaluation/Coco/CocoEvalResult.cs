using Dupr.Detection.Data.Coco;

namespace Dupr.Detection.Evaluation.Coco;

/// <summary>
/// The outcome of a COCO evaluation: pycocotools' accumulated precision[T,R,K,A,M] and recall[T,K,A,M] arrays
/// (-1 where undefined), the 12 summary stats and detectron2's per-category AP.
/// </summary>
public sealed class CocoEvalResult
{
    /// <summary>Names of <see cref="Stats"/>, in order.</summary>
    public static IReadOnlyList<string> StatNames { get; } = ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"];

    readonly double[] _precision;
    readonly double[] _recall;

    /// <summary>What was compared.</summary>
    public CocoIouType IouType { get; }

    /// <summary>The evaluation parameters.</summary>
    public CocoEvalParams Parameters { get; }

    /// <summary>The ground-truth categories in ascending id order (the K axis).</summary>
    public IReadOnlyList<CocoCategory> Categories { get; }

    /// <summary>COCOeval.stats: AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl as fractions, -1 where undefined.</summary>
    public IReadOnlyList<double> Stats { get; }

    /// <summary>Per category (ascending id order): AP as a fraction, NaN where the category has no ground truth.</summary>
    public IReadOnlyList<double> CategoryAp { get; }

    internal CocoEvalResult(CocoIouType iouType, CocoEvalParams parameters, IReadOnlyList<CocoCategory> categories, double[] precision, double[] recall)
    {
        IouType = iouType;
        Parameters = parameters;
        Categories = categories;
        _precision = precision;
        _recall = recall;
        Stats = CocoSummary.Settings.Select(s => CocoSummary.Stat(parameters, categories.Count, precision, recall, s)).ToArray();
        CategoryAp = Enumerable.Range(0, categories.Count).Select(k => CocoSummary.CategoryAp(parameters, categories.Count, precision, k)).ToArray();
    }

    /// <summary>precision[t, r, k, a, m]: interpolated precision at IoU threshold t, recall point r, category k, area range a, maxDets m.</summary>
    public double Precision(int t, int r, int k, int a, int m) => _precision[CocoAccumulator.PrecisionIndex(Parameters, Categories.Count, t, r, k, a, m)];

    /// <summary>recall[t, k, a, m]: the highest recall reached.</summary>
    public double Recall(int t, int k, int a, int m) => _recall[CocoAccumulator.RecallIndex(Parameters, Categories.Count, t, k, a, m)];

    /// <summary>The 12 lines pycocotools' summarize() prints.</summary>
    public IReadOnlyList<string> SummaryLines() =>
        CocoSummary.Settings.Select((s, i) => CocoSummary.Line(Parameters, s, Stats[i])).ToArray();
}
