using Dupr.Benchmarks.Suites;

namespace Dupr.Benchmarks.Runner;

/// <summary>Inference of a fine-tuned detector on its test set, scored with the suite's metrics (VOC and COCO evaluators).</summary>
public sealed record EvaluateStage : Stage
{
    /// <summary>The fine-tuning whose model_final.dat is evaluated.</summary>
    public required FinetuneStage Finetune { get; init; }

    /// <summary>The metrics to compute.</summary>
    public required IReadOnlyList<MetricKey> Metrics { get; init; }

    /// <summary>COCO ground truth of a VOC-format test set (full path), for the COCO metrics; null when none are asked.</summary>
    public required string? CocoGt { get; init; }

    /// <summary>Folder of the detector's results files.</summary>
    public string Results => Path.Combine(Directory, "results");

    /// <summary>The computed metrics (JSON: metric -> percent).</summary>
    public string MetricsFile => Path.Combine(Directory, "metrics.json");

    /// <inheritdoc />
    public override bool OutputsPresent() => File.Exists(MetricsFile);
}
