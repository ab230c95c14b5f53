using System.Globalization;
using System.Text;
using Newtonsoft.Json.Linq;

namespace Dupr.Detection.Evaluation.Coco;

/// <summary>Human- and machine-readable forms of a <see cref="CocoEvalResult"/>: detectron2's per-category table and the metrics JSON.</summary>
public static class CocoReport
{
    /// <summary>The per-category AP table in percent, three categories per row, as detectron2's COCOEvaluator prints it.</summary>
    public static string CategoryTable(CocoEvalResult result, int columns = 3)
    {
        var cells = result.Categories.Select((c, k) => (c.Name, Ap: Percent(result.CategoryAp[k]))).ToArray();
        int nameWidth = Math.Max("category".Length, cells.Length == 0 ? 0 : cells.Max(c => c.Name.Length));
        int apWidth = Math.Max("AP".Length, cells.Length == 0 ? 0 : cells.Max(c => c.Ap.Length));
        var text = new StringBuilder();
        int perRow = Math.Min(columns, Math.Max(1, cells.Length));
        text.Append('|');
        for (int i = 0; i < perRow; i++) text.Append($" {"category".PadRight(nameWidth)} | {"AP".PadRight(apWidth)} |");
        text.AppendLine().Append('|');
        for (int i = 0; i < perRow; i++) text.Append($":{new string('-', nameWidth + 1)}|:{new string('-', apWidth + 1)}|");
        for (int start = 0; start < cells.Length; start += perRow)
        {
            text.AppendLine().Append('|');
            for (int i = start; i < start + perRow; i++)
            {
                (string name, string ap) = i < cells.Length ? cells[i] : ("", "");
                text.Append($" {name.PadRight(nameWidth)} | {ap.PadRight(apWidth)} |");
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// The metrics document: "metrics" (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl as
    /// fractions, -1 where undefined, like pycocotools' stats) and "per_category_AP" (fractions, null where undefined).
    /// </summary>
    public static JObject ToJson(CocoEvalResult result, string groundTruth, string results)
    {
        var metrics = new JObject();
        for (int i = 0; i < CocoEvalResult.StatNames.Count; i++) metrics[CocoEvalResult.StatNames[i]] = result.Stats[i];
        var perCategory = new JObject();
        var repeated = result.Categories.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        for (int k = 0; k < result.Categories.Count; k++)
        {
            var category = result.Categories[k];
            string key = repeated.Contains(category.Name) ? $"{category.Name} (id {category.Id})" : category.Name;
            perCategory[key] = double.IsNaN(result.CategoryAp[k]) ? JValue.CreateNull() : result.CategoryAp[k];
        }
        return new JObject
        {
            ["task"] = "coco",
            ["iou_type"] = result.IouType == CocoIouType.Bbox ? "bbox" : "segm",
            ["ground_truth"] = groundTruth,
            ["results"] = results,
            ["metrics"] = metrics,
            ["per_category_AP"] = perCategory,
        };
    }

    static string Percent(double fraction) =>
        double.IsNaN(fraction) ? "nan" : (100 * fraction).ToString("0.000", CultureInfo.InvariantCulture);
}
