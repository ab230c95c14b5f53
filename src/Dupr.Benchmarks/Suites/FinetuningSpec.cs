namespace Dupr.Benchmarks.Suites;

/// <summary>One detector recipe of a suite: config and overrides, the metrics to collect, and the paper rows they match.</summary>
public sealed class FinetuningSpec
{
    /// <summary>Identifier (lower case, digits, '_'): names stage folders and results rows.</summary>
    public string Name { get; set; } = "";

    /// <summary>Heading in reports; empty: the name.</summary>
    public string Label { get; set; } = "";

    /// <summary>The detection recipe (configs/detection/*.json).</summary>
    public string Config { get; set; } = "";

    /// <summary>Config overrides (schedule, sizes), as `--set key=value` takes them.</summary>
    public List<string> Set { get; set; } = [];

    /// <summary>This recipe's detection data folder, relative to the data folder; null: the suite's data.detection.</summary>
    public string? Data { get; set; }

    /// <summary>Metrics to collect, "evaluator.stat": voc.AP|AP50|AP75 (VOC devkit), bbox.AP ... bbox.ARl (COCO boxes), segm.* (masks), in percent.</summary>
    public List<string> Metrics { get; set; } = ["voc.AP", "voc.AP50", "voc.AP75"];

    /// <summary>COCO ground truth of a VOC-format test set's images, relative to the detection data folder: bbox metrics of a VOC-format recipe need it.</summary>
    public string? CocoGt { get; set; }

    /// <summary>The paper rows these metrics correspond to.</summary>
    public List<PaperRefSpec> Paper { get; set; } = [];

    /// <summary>The heading reports show.</summary>
    public string DisplayName => Label.Length > 0 ? Label : Name;
}

/// <summary>A block of eval/paper (table, part, setting) and how its metric names map to the suite's.</summary>
public sealed class PaperRefSpec
{
    /// <summary>table1 ... table7, fig2.</summary>
    public string Table { get; set; } = "";

    /// <summary>Sub-table letter or Table 4's block; empty where the table has none.</summary>
    public string Part { get; set; } = "";

    /// <summary>The setting as spelled in eval/paper (e.g. "VOC07+12 Faster R-CNN R50-C4 24k").</summary>
    public string Setting { get; set; } = "";

    /// <summary>Suite metric -> paper metric, e.g. {"voc.AP": "AP"} or {"bbox.AP": "APbb"}.</summary>
    public Dictionary<string, string> Metrics { get; set; } = new();

    /// <summary>The pre-trainings this block has rows for; empty: every pre-training with a paper method.</summary>
    public List<string> Pretrainings { get; set; } = [];
}
