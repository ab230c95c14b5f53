using Dupr.Core.Runtime;

namespace Dupr.Detection.Config;

/// <summary>The VOC image sets a run trains and tests on (detectron2's DATASETS), under the --data folder's VOCdevkit.</summary>
public sealed class DatasetSection
{
    /// <summary>Training image sets as "year:split", e.g. ["2007:trainval", "2012:trainval"] (VOC07+12).</summary>
    public List<string> Train { get; set; } = ["2007:trainval", "2012:trainval"];

    /// <summary>Test image sets as "year:split".</summary>
    public List<string> Test { get; set; } = ["2007:test"];

    /// <summary>Class names in contiguous-id order; empty: the 20 VOC classes.</summary>
    public List<string> ClassNames { get; set; } = [];

    /// <summary>Parses "year:split" entries; <paramref name="key"/> names the setting in errors.</summary>
    public static List<(string Year, string Split)> ParseSets(IReadOnlyList<string> sets, string key) =>
        sets.Select(s => s.Split(':') is [var year, var split] && year.Length > 0 && split.Length > 0
            ? (year, split)
            : throw new DuprException($"{key}: expected \"year:split\" (e.g. \"2007:trainval\"), got \"{s}\"")).ToList();
}
