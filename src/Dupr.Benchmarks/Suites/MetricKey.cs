using Dupr.Core.Runtime;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Evaluation.Coco;

namespace Dupr.Benchmarks.Suites;

/// <summary>Which evaluator produces a suite metric.</summary>
public enum MetricEvaluator
{
    /// <summary>detectron2's Pascal VOC evaluator on the VOC test set (AP, AP50, AP75).</summary>
    Voc,

    /// <summary>pycocotools' COCOeval on boxes (the 12 summary stats).</summary>
    Bbox,

    /// <summary>pycocotools' COCOeval on instance masks (the 12 summary stats).</summary>
    Segm,
}

/// <summary>A suite metric "evaluator.stat" (voc.AP, bbox.AP75, segm.AP, ...), always in percent.</summary>
public readonly record struct MetricKey(MetricEvaluator Evaluator, string Stat)
{
    /// <summary>The stats the VOC evaluator reports.</summary>
    public static IReadOnlyList<string> VocStats { get; } = ["AP", "AP50", "AP75"];

    /// <summary>True for the COCO evaluators (bbox, segm).</summary>
    public bool IsCoco => Evaluator != MetricEvaluator.Voc;

    /// <summary>Parses "voc.AP", "bbox.AP50" or "segm.AP"; throws <see cref="DuprException"/> listing the valid names.</summary>
    public static MetricKey Parse(string text)
    {
        string[] parts = text.Split('.');
        if (parts.Length == 2)
        {
            if (parts[0] == "voc" && VocStats.Contains(parts[1])) return new MetricKey(MetricEvaluator.Voc, parts[1]);
            if (parts[0] == "bbox" && CocoEvalResult.StatNames.Contains(parts[1])) return new MetricKey(MetricEvaluator.Bbox, parts[1]);
            if (parts[0] == "segm" && CocoEvalResult.StatNames.Contains(parts[1])) return new MetricKey(MetricEvaluator.Segm, parts[1]);
        }
        string coco = string.Join(",", CocoEvalResult.StatNames);
        throw new DuprException($"metric '{text}': expected voc.{{{string.Join(",", VocStats)}}}, bbox.{{{coco}}} or segm.{{{coco}}}");
    }

    /// <summary>The text form, "voc.AP".</summary>
    public override string ToString() => $"{Evaluator.ToString().ToLowerInvariant()}.{Stat}";
}
