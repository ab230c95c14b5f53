using Dupr.Core.Runtime;
using Dupr.Detection.Data.Voc;

namespace Dupr.Detection.Config;

/// <summary>The image sets a run trains and tests on (detectron2's DATASETS), under the --data folder.</summary>
public sealed class DatasetSection
{
    /// <summary>VOCdevkit ("year:split" sets) or COCO JSON ("annotation file:image folder" sets).</summary>
    public DatasetFormat Format { get; set; } = DatasetFormat.Voc;

    /// <summary>Training image sets, e.g. VOC ["2007:trainval", "2012:trainval"] (VOC07+12) or COCO ["annotations/instances_train2017.json:train2017"].</summary>
    public List<string> Train { get; set; } = ["2007:trainval", "2012:trainval"];

    /// <summary>Test image sets, in the same form as <see cref="Train"/>.</summary>
    public List<string> Test { get; set; } = ["2007:test"];

    /// <summary>Class names in contiguous-id order; empty: the 20 VOC classes (VOC) or the annotation file's categories (COCO).</summary>
    public List<string> ClassNames { get; set; } = [];

    /// <summary>Parses "year:split" entries; <paramref name="key"/> names the setting in errors.</summary>
    public static List<(string Year, string Split)> ParseSets(IReadOnlyList<string> sets, string key) =>
        sets.Select(s => s.Split(':') is [var year, var split] && year.Length > 0 && split.Length > 0
            ? (year, split)
            : throw new DuprException($"{key}: expected \"year:split\" (e.g. \"2007:trainval\"), got \"{s}\"")).ToList();

    /// <summary>Parses COCO "annotation file:image folder" entries (paths relative to --data); <paramref name="key"/> names the setting in errors.</summary>
    public static List<(string Annotations, string Images)> ParseCocoSets(IReadOnlyList<string> sets, string key) =>
        sets.Select(s => s.Split(':') is [var json, var images] && json.Length > 0 && images.Length > 0
            ? (json, images)
            : throw new DuprException($"{key}: expected \"annotation file:image folder\" (e.g. \"annotations/instances_val2017.json:val2017\"), got \"{s}\"")).ToList();

    /// <summary>Checks every set entry has the form <see cref="Format"/> needs.</summary>
    public void Validate()
    {
        VocClasses.EnsureDistinct(ClassNames, "datasets.class_names");
        foreach (var (sets, key) in new[] { (Train, "datasets.train"), (Test, "datasets.test") })
        {
            if (Format == DatasetFormat.Voc) ParseSets(sets, key);
            else ParseCocoSets(sets, key);
        }
    }
}
