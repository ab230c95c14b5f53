namespace Dupr.Benchmarks.Suites;

/// <summary>One backbone initialisation of a suite: random, a weights file, or a pre-training run with its config and overrides.</summary>
public sealed class PretrainingSpec
{
    /// <summary>Identifier (lower case, digits, '_'): names stage folders and results rows.</summary>
    public string Name { get; set; } = "";

    /// <summary>Row label in reports; empty: the paper method, else the name.</summary>
    public string Label { get; set; } = "";

    /// <summary>random, weights or pretrain.</summary>
    public PretrainingInit Init { get; set; } = PretrainingInit.Pretrain;

    /// <summary>init pretrain: the pre-training recipe (configs/pretrain/*.json).</summary>
    public string? Config { get; set; }

    /// <summary>init pretrain: config overrides, as `--set key=value` takes them.</summary>
    public List<string> Set { get; set; } = [];

    /// <summary>init weights: the ResNet checkpoint, relative to the data folder (--data) unless absolute.</summary>
    public string? Weights { get; set; }

    /// <summary>init pretrain: the pre-training seed (one pre-training per suite run; seeds vary the fine-tuning).</summary>
    public long Seed { get; set; }

    /// <summary>The paper rows of this initialisation; null: none (the report shows no paper numbers for it).</summary>
    public PaperMethodSpec? Paper { get; set; }

    /// <summary>The label reports show.</summary>
    public string DisplayName => Label.Length > 0 ? Label : Paper?.Method ?? Name;
}

/// <summary>Which rows of eval/paper a pre-training matches: method, and epochs / ablation value where several rows share it.</summary>
public sealed class PaperMethodSpec
{
    /// <summary>Canonical method name of eval/paper (e.g. "random init", "supervised", "MoCo v2", "DUPR").</summary>
    public string Method { get; set; } = "";

    /// <summary>Pre-training epochs, where the table has rows for several (Table 1: MoCo v2 200 and 800).</summary>
    public int? Epochs { get; set; }

    /// <summary>Ablation value as printed (param_value, e.g. "0,0,1,1", "7", "patch-level").</summary>
    public string? ParamValue { get; set; }
}
