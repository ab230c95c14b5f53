using Dupr.Benchmarks.Paper;
using Dupr.Core.Config;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Pretrain.Config;

namespace Dupr.Benchmarks.Suites;

/// <summary>What <see cref="SuiteValidator"/> found: problems, and the config files that do not exist (listed apart: some land from other branches).</summary>
public sealed record SuiteCheck(IReadOnlyList<string> Problems, IReadOnlyList<string> MissingConfigs)
{
    /// <summary>True when nothing is wrong and nothing is missing.</summary>
    public bool Ok => Problems.Count == 0 && MissingConfigs.Count == 0;
}

/// <summary>Checks a suite against the files it names: every config resolves (with its overrides) and every declared paper row exists once.</summary>
public static class SuiteValidator
{
    /// <summary>Checks <paramref name="suite"/> against its configs and <paramref name="paper"/>.</summary>
    public static SuiteCheck Check(Suite suite, PaperTable paper)
    {
        var problems = new List<string>();
        var missing = new List<string>();
        foreach (var p in suite.Spec.Pretrainings.Where(p => p.Init == PretrainingInit.Pretrain))
            CheckConfig($"pretraining '{p.Name}'", suite.Resolve(p.Config!), path => ConfigLoader.Load<PretrainConfig>(path, p.Set), problems, missing);
        foreach (var f in suite.Spec.Finetunings)
            CheckConfig($"finetuning '{f.Name}'", suite.Resolve(f.Config), path => CheckDetection(f, ConfigLoader.Load<DetectionConfig>(path, f.Set)), problems, missing);
        foreach (var match in SuitePaper.Matches(suite.Spec, paper).Where(m => m.Rows.Count != 1))
            problems.Add($"finetuning '{match.Finetuning.Name}', pretraining '{match.Pretraining.Name}', {match.Metric}: " +
                         $"{match.Rows.Count} paper rows for {match.Describe()} (expected exactly 1)");
        return new SuiteCheck(problems, missing.Distinct().ToList());
    }

    static void CheckConfig(string owner, string path, Action<string> load, List<string> problems, List<string> missing)
    {
        if (!File.Exists(path))
        {
            missing.Add(path);
            return;
        }
        try
        {
            load(path);
        }
        catch (DuprException e)
        {
            problems.Add($"{owner}: {e.Message}");
        }
    }

    // The runner evaluates on one test set: VOC metrics on a VOCdevkit split; COCO metrics against the set's own annotation file,
    // or, for a VOC-format set, against coco_gt (the same images in COCO form).
    static void CheckDetection(FinetuningSpec finetuning, DetectionConfig config)
    {
        config.Validate();
        var metrics = Suite.MetricsOf(finetuning);
        if (config.Datasets.Test.Count != 1)
            throw new DuprException($"the suite runner evaluates one test set; datasets.test has {config.Datasets.Test.Count}");
        bool voc = config.Datasets.Format == DatasetFormat.Voc;
        if (!voc && metrics.Any(m => !m.IsCoco))
            throw new DuprException("voc metrics need a VOC-format recipe (datasets.format Voc)");
        if (voc && metrics.Any(m => m.IsCoco) && string.IsNullOrEmpty(finetuning.CocoGt))
            throw new DuprException("bbox/segm metrics of a VOC-format recipe need coco_gt (the COCO ground truth of the same test images)");
    }
}
