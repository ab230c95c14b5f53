using System.Globalization;
using System.Text;
using Newtonsoft.Json.Linq;

namespace Dupr.Detection.Evaluation.Voc;

/// <summary>Human- and machine-readable forms of a <see cref="VocEvalResult"/>.</summary>
public static class VocReport
{
    /// <summary>The metric's name on the command line and in the metrics JSON: "07" or "area".</summary>
    public static string MetricName(VocMetric metric) => metric == VocMetric.ElevenPoint ? "07" : "area";

    /// <summary>AP, AP50 and AP75 in percent as one table, then each class's AP50 and AP75.</summary>
    public static string Table(VocEvalResult result)
    {
        var text = new StringBuilder();
        text.AppendLine("|   AP   |  AP50  |  AP75  |");
        text.AppendLine("|:------:|:------:|:------:|");
        text.AppendLine($"| {F(result.AP),6} | {F(result.AP50),6} | {F(result.AP75),6} |");
        text.AppendLine();
        int width = Math.Max("class".Length, result.ClassNames.Max(n => n.Length));
        text.AppendLine($"| {"class".PadRight(width)} |  AP50  |  AP75  |");
        text.Append($"|:{new string('-', width + 1)}|:------:|:------:|");
        for (int c = 0; c < result.ClassNames.Count; c++)
            text.AppendLine().Append($"| {result.ClassNames[c].PadRight(width)} | {F(result.ClassAp(c, 0)),6} | {F(result.ClassAp(c, 5)),6} |");
        return text.ToString();
    }

    /// <summary>The metrics document: "metrics" (AP, AP50, AP75 in percent, like detectron2) and "per_class_AP50" (percent).</summary>
    public static JObject ToJson(VocEvalResult result, string devkit, string year, string split, string results)
    {
        var perClass = new JObject();
        for (int c = 0; c < result.ClassNames.Count; c++) perClass[result.ClassNames[c]] = Number(result.ClassAp(c, 0));
        return new JObject
        {
            ["task"] = "voc",
            ["devkit"] = devkit,
            ["year"] = year,
            ["split"] = split,
            ["metric"] = MetricName(result.Metric),
            ["results"] = results,
            ["metrics"] = new JObject { ["AP"] = Number(result.AP), ["AP50"] = Number(result.AP50), ["AP75"] = Number(result.AP75) },
            ["per_class_AP50"] = perClass,
        };
    }

    static JToken Number(double value) => double.IsNaN(value) ? JValue.CreateNull() : value;

    static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
