using Dupr.Benchmarks.Paper;

namespace Dupr.Benchmarks.Suites;

/// <summary>One suite metric of one (fine-tuning, pre-training) pair and the eval/paper rows that match it (exactly one when the suite is right).</summary>
public sealed record PaperMatch(FinetuningSpec Finetuning, PaperRefSpec Block, PretrainingSpec Pretraining, string Metric, string PaperMetric, IReadOnlyList<PaperRow> Rows)
{
    /// <summary>The matched row, or null when none or several match.</summary>
    public PaperRow? Row => Rows.Count == 1 ? Rows[0] : null;

    /// <summary>What was looked up, for messages.</summary>
    public string Describe() =>
        $"{Block.Table}{(Block.Part.Length > 0 ? $" ({Block.Part})" : "")} / {Block.Setting} / {Pretraining.Paper?.Method}"
        + (Pretraining.Paper?.Epochs is int e ? $" ({e} ep)" : "") + (Pretraining.Paper?.ParamValue is string v ? $" [{v}]" : "") + $" / {PaperMetric}";
}

/// <summary>Looks up the paper rows a suite declares: every paper block x pre-training with a paper method x mapped metric.</summary>
public static class SuitePaper
{
    /// <summary>Every declared (fine-tuning, block, pre-training, metric) with the rows of <paramref name="paper"/> it matches.</summary>
    public static IReadOnlyList<PaperMatch> Matches(SuiteSpec suite, PaperTable paper) =>
        (from f in suite.Finetunings
         from block in f.Paper
         from p in suite.Pretrainings
         where p.Paper != null && (block.Pretrainings.Count == 0 || block.Pretrainings.Contains(p.Name))
         from metric in block.Metrics
         select new PaperMatch(f, block, p, metric.Key, metric.Value,
             paper.Find(block.Table, block.Setting, p.Paper!.Method, metric.Value, block.Part, p.Paper.Epochs, p.Paper.ParamValue)))
        .ToList();
}
