namespace Dupr.Benchmarks.Suites;

/// <summary>
/// A benchmark suite as written in eval/suites/*.json: pre-trainings x fine-tunings x seeds, the metrics to
/// collect and the paper rows they correspond to. Paths are relative to the suite file's folder.
/// </summary>
public sealed class SuiteSpec
{
    /// <summary>Short name, used in reports and results.csv.</summary>
    public string Name { get; set; } = "";

    /// <summary>What the suite reproduces, one paragraph.</summary>
    public string Description { get; set; } = "";

    /// <summary>Where the images come from: the synthetic world, or real datasets under --data.</summary>
    public SuiteDataSpec Data { get; set; } = new();

    /// <summary>The backbone initialisations compared (report rows).</summary>
    public List<PretrainingSpec> Pretrainings { get; set; } = [];

    /// <summary>The label reports show for the pre-training named <paramref name="name"/>.</summary>
    public string Label(string name) => Pretrainings.First(p => p.Name == name).DisplayName;

    /// <summary>The detector recipes every pre-training is fine-tuned with (report tables).</summary>
    public List<FinetuningSpec> Finetunings { get; set; } = [];

    /// <summary>Fine-tuning seeds: every (pre-training, fine-tuning) pair runs once per seed; reports give mean and std.</summary>
    public List<long> Seeds { get; set; } = [0];

    /// <summary>Pre-training names the report's deltas are measured against: the first in (..), the second in [..].</summary>
    public List<string> References { get; set; } = [];

    /// <summary>Probes of every compared backbone (kNN, linear, correspondence, IoU-similarity); null: none.</summary>
    public SuiteProbeSpec? Probes { get; set; }

    /// <summary>Claims the report gives a verdict on, and the gate (`dupr bench check --suite`) enforces.</summary>
    public List<ClaimSpec> Claims { get; set; } = [];

    /// <summary>Pairs whose differences the report states with their 95% intervals.</summary>
    public List<ComparisonSpec> Comparisons { get; set; } = [];
}
