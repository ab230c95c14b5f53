using Dupr.Benchmarks.Probes;
using Dupr.Detection.Config;

namespace Dupr.Benchmarks.Runner;

/// <summary>The probes of one backbone (a pre-training's export, or a random init of one seed) on the suite's labeled set; writes probes.csv.</summary>
public sealed record ProbeStage : Stage
{
    /// <summary>The detection recipe naming the labeled set and the backbone's depth and width.</summary>
    public required DetectionConfig Config { get; init; }

    /// <summary>The detection data folder.</summary>
    public required string Data { get; init; }

    /// <summary>The backbone checkpoint; null for a random init drawn from <see cref="Seed"/>.</summary>
    public required string? Weights { get; init; }

    /// <summary>Seed of the random init and of the probes' own draws.</summary>
    public required long Seed { get; init; }

    /// <summary>The probes to run.</summary>
    public required IReadOnlyList<string> Probes { get; init; }

    /// <summary>Their settings.</summary>
    public required ProbeOptions Options { get; init; }

    /// <summary>The probe rows of this backbone.</summary>
    public string Csv => Path.Combine(Directory, ProbeReport.CsvName);

    /// <inheritdoc />
    public override bool OutputsPresent() => File.Exists(Csv);

    /// <summary>The done marker's key of the metrics' standard errors over the probes' test samples.</summary>
    public const string StandardErrorsKey = "standard_errors";

    /// <summary>The results.csv metric of a probe row (knn.res5, correspondence.res4, iou-similarity.res4.slope), or null for rows results.csv leaves to probes.csv (curve points, counts).</summary>
    public static string? MetricName(ProbeRow row) => row.Metric switch
    {
        "top1" or "accuracy" => $"{row.Probe}.{row.Level}",
        "slope" or "gap" => $"{row.Probe}.{row.Level}.{row.Metric}",
        _ => null,
    };
}

/// <summary>A probe of one of the suite's pre-trainings with one seed, and its stage.</summary>
public sealed record PlannedProbe(Suites.PretrainingSpec Pretraining, long Seed, ProbeStage Stage);
