using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Dupr.Core.Config;

/// <summary>Where two resolved configs differ, for messages that say which keys changed.</summary>
public static class ConfigDiff
{
    /// <summary>The dotted keys whose values differ (a list counts as one value), in document order, with both values.</summary>
    public static IReadOnlyList<(string Key, JToken Before, JToken After)> Changes(JToken before, JToken after) => Walk(before, after, "").ToList();

    /// <summary>"solver.base_lr (0.02 before, 0.01 now), ..." for the first <paramref name="shown"/> differing keys.</summary>
    public static string Describe(JToken before, JToken after, int shown = 3)
    {
        var changes = Changes(before, after);
        var described = changes.Take(shown).Select(c => $"{c.Key} ({c.Before.ToString(Formatting.None)} before, {c.After.ToString(Formatting.None)} now)");
        return string.Join(", ", described) + (changes.Count > shown ? $" and {changes.Count - shown} more" : "");
    }

    static IEnumerable<(string, JToken, JToken)> Walk(JToken before, JToken after, string path)
    {
        if (before is JObject a && after is JObject b)
        {
            foreach (string name in a.Properties().Select(p => p.Name).Concat(b.Properties().Select(p => p.Name)).Distinct())
                foreach (var change in Walk(a[name] ?? JValue.CreateNull(), b[name] ?? JValue.CreateNull(), path.Length == 0 ? name : $"{path}.{name}"))
                    yield return change;
        }
        else if (!JToken.DeepEquals(before, after))
        {
            yield return (path, before, after);
        }
    }
}
