namespace Dupr.Detection.Evaluation.Coco;

/// <summary>
/// COCOeval's default detection parameters (pycocotools Params.setDetParams), with the thresholds computed as
/// np.linspace computes them so that comparisons against them agree bit for bit.
/// </summary>
public sealed class CocoEvalParams
{
    /// <summary>The defaults every published COCO number uses.</summary>
    public static CocoEvalParams Default { get; } = new();

    /// <summary>IoU thresholds 0.50:0.05:0.95 (T = 10).</summary>
    public IReadOnlyList<double> IouThresholds { get; } = Linspace(0.5, 0.95, 10);

    /// <summary>Recall thresholds 0:0.01:1 (R = 101).</summary>
    public IReadOnlyList<double> RecallThresholds { get; } = Linspace(0.0, 1.0, 101);

    /// <summary>Maximum detections per image and category: 1, 10, 100 (M = 3).</summary>
    public IReadOnlyList<int> MaxDets { get; } = [1, 10, 100];

    /// <summary>Object area ranges, both bounds inclusive: all, small, medium, large (A = 4).</summary>
    public IReadOnlyList<(double Min, double Max)> AreaRanges { get; } = [(0, 1e10), (0, 32 * 32), (32 * 32, 96 * 96), (96 * 96, 1e10)];

    /// <summary>Names of <see cref="AreaRanges"/>.</summary>
    public IReadOnlyList<string> AreaLabels { get; } = ["all", "small", "medium", "large"];

    CocoEvalParams() { }

    /// <summary>np.linspace(start, stop, num) with endpoint: start + i * step, the last value exactly stop.</summary>
    static double[] Linspace(double start, double stop, int num)
    {
        double step = (stop - start) / (num - 1);
        var values = new double[num];
        for (int i = 0; i < num; i++) values[i] = i * step + start;
        values[num - 1] = stop;
        return values;
    }
}
