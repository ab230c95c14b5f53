using System.Globalization;
using Dupr.Core.Runtime;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Dupr.Detection.Evaluation;

/// <summary>One evaluated IoU type ("bbox" or "segm"): AP, AP50 and AP75 in percent (NaN where undefined) and the evaluator's own metrics document.</summary>
public sealed record DetectionScore(string IouType, double AP, double AP50, double AP75, JObject Document);

/// <summary>
/// A detector's evaluation on a test set, as `dupr infer --evaluate` and fine-tuning runs report it: the box score first, then
/// the mask score of a mask detector. Percent throughout, as detectron2 reports both COCO and VOC.
/// </summary>
public sealed class DetectionMetrics
{
    /// <summary>The file name of a metrics document (`dupr infer --evaluate`, a run's final and periodic evaluations).</summary>
    public const string FileName = "metrics.json";

    /// <summary>"coco" or "voc".</summary>
    public string Task { get; }

    /// <summary>The scores per IoU type, "bbox" first.</summary>
    public IReadOnlyList<DetectionScore> Scores { get; }

    /// <summary>Metrics of <paramref name="task"/> with <paramref name="scores"/> ("bbox" first).</summary>
    public DetectionMetrics(string task, IReadOnlyList<DetectionScore> scores)
    {
        if (scores.Count == 0 || scores[0].IouType != "bbox") throw new ArgumentException("the bbox score comes first", nameof(scores));
        Task = task;
        Scores = scores;
    }

    /// <summary>
    /// The eval.csv columns: AP, AP50, AP75 of the boxes, then &lt;type&gt;_AP, &lt;type&gt;_AP50, &lt;type&gt;_AP75 of every other IoU type (segm_AP, ...).
    /// </summary>
    public IReadOnlyList<(string Name, double Value)> Columns() =>
        Scores.SelectMany(s =>
        {
            string prefix = s.IouType == "bbox" ? "" : s.IouType + "_";
            return new[] { (prefix + "AP", s.AP), (prefix + "AP50", s.AP50), (prefix + "AP75", s.AP75) };
        }).ToList();

    /// <summary>
    /// The metrics.json document: "task", "iteration" (when given), "summary" (the <see cref="Columns"/>, percent, null where
    /// undefined), and per IoU type the evaluator's document (as `dupr evaluate coco|voc --output` writes it).
    /// </summary>
    public JObject ToJson(long? iteration = null)
    {
        var summary = new JObject();
        foreach (var (name, value) in Columns()) summary[name] = double.IsNaN(value) ? JValue.CreateNull() : value;
        var document = new JObject { ["task"] = Task };
        if (iteration is long it) document["iteration"] = it;
        document["summary"] = summary;
        foreach (DetectionScore score in Scores) document[score.IouType] = score.Document;
        return document;
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> atomically.</summary>
    public void Write(string path, long? iteration = null) =>
        AtomicFile.WriteAllText(path, ToJson(iteration).ToString(Formatting.Indented) + Environment.NewLine);

    /// <summary>One line per IoU type, e.g. "bbox: AP 41.20  AP50 65.31  AP75 44.02".</summary>
    public IEnumerable<string> SummaryLines() =>
        Scores.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.IouType}: AP {s.AP:0.00}  AP50 {s.AP50:0.00}  AP75 {s.AP75:0.00}"));
}
