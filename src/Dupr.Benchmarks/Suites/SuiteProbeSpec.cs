namespace Dupr.Benchmarks.Suites;

/// <summary>
/// The probes a suite runs on every backbone it compares (random init once per seed, each pre-training once): the labeled set and
/// backbone shape come from a detection recipe, the results go to results.csv as fine-tuning "probe" (metric e.g. knn.res5).
/// </summary>
public sealed class SuiteProbeSpec
{
    /// <summary>The name of the probe rows in results.csv and of claims about them.</summary>
    public const string ResultsName = "probe";

    /// <summary>Detection recipe (configs/detection/*.json) whose datasets and backbone depth and width the probes use.</summary>
    public string Config { get; set; } = "";

    /// <summary>Overrides of that recipe.</summary>
    public List<string> Set { get; set; } = [];

    /// <summary>Which probes run: knn, linear, correspondence, iou-similarity.</summary>
    public List<string> Probes { get; set; } = ["knn", "linear", "correspondence", "iou-similarity"];

    /// <summary>Side of the correspondence probe's views in pixels.</summary>
    public int ViewSize { get; set; } = 224;

    /// <summary>Test images whose two views the correspondence probe matches.</summary>
    public int Pairs { get; set; } = 200;

    /// <summary>Ground-truth boxes the IoU-similarity probe visits at most (0: all).</summary>
    public int MaxBoxes { get; set; } = 1000;

    /// <summary>Objects per split at most for kNN and linear (0: all).</summary>
    public int MaxObjects { get; set; }
}

/// <summary>
/// A claim the suite makes and its verdict checks: pre-training <see cref="Better"/> beats <see cref="Than"/> on fine-tuning (or "probe")
/// <see cref="On"/> by at least each metric's minimum gain, and by more than <see cref="MinStandardErrors"/> standard errors of the difference.
/// </summary>
public sealed class ClaimSpec
{
    /// <summary>The pre-training claimed better.</summary>
    public string Better { get; set; } = "";

    /// <summary>The pre-training it is compared with.</summary>
    public string Than { get; set; } = "";

    /// <summary>A fine-tuning name, or "probe" for the probe rows.</summary>
    public string On { get; set; } = "";

    /// <summary>Metric -> the least difference (points) for the claim to hold.</summary>
    public Dictionary<string, double> MinGain { get; set; } = new();

    /// <summary>The difference must exceed this many of its standard errors.</summary>
    public double MinStandardErrors { get; set; } = 3;
}

/// <summary>A pair of pre-trainings whose difference on every metric the report states with its 95% interval, whatever its sign.</summary>
public sealed class ComparisonSpec
{
    /// <summary>The first pre-training (the difference is A minus B).</summary>
    public string A { get; set; } = "";

    /// <summary>The second pre-training.</summary>
    public string B { get; set; } = "";
}
