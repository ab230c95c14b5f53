using Dupr.Core.Data;
using Dupr.Core.Runtime;
using Dupr.Detection.Config;
using Dupr.Detection.Data;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Data.Datasets;
using Dupr.Detection.Data.Transforms;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Evaluation;
using Dupr.Detection.Evaluation.Coco;
using Dupr.Detection.Evaluation.Voc;

namespace Dupr.Detection.Training;

/// <summary>The training samples of a run: the config's training sets as one dataset, and the class names by contiguous id.</summary>
public sealed record DetectionTrainingSet(IDataset<DetectionSample> Dataset, IReadOnlyList<string> ClassNames, string Description);

/// <summary>
/// Builds the datasets a detection config names under a --data folder, in one place for fine-tuning, inference and periodic
/// evaluation: VOC "year:split" sets of the VOCdevkit, or COCO "annotation file:image folder" sets relative to --data. Class
/// names come from datasets.class_names, else the 20 VOC classes or the annotation file's categories, and must agree with
/// roi_heads.num_classes (and, for COCO, with the categories of every file).
/// </summary>
public static class DetectionDatasets
{
    /// <summary>The training sets concatenated, with training augmentation; images without instances left out.</summary>
    public static DetectionTrainingSet Train(DetectionConfig config, string data)
    {
        config.Validate();
        var augmentation = DetectionAugmentation.ForTraining(config.Input);
        if (config.Datasets.Format == DatasetFormat.Voc)
        {
            var sets = DatasetSection.ParseSets(config.Datasets.Train, "datasets.train");
            IReadOnlyList<string> names = VocClassNames(config);
            if (config.Architecture.PredictsMasks())
                throw new DuprException($"architecture {config.Architecture} needs instance masks, which VOC annotations do not have; use COCO-format data");
            string devkit = Devkit(data);
            return new DetectionTrainingSet(new VocDetectionDataset(devkit, sets, augmentation, DetectionDatasetOptions.Training, names), names,
                $"{devkit} ({string.Join(" + ", config.Datasets.Train)})");
        }
        var cocoSets = DatasetSection.ParseCocoSets(config.Datasets.Train, "datasets.train");
        var parts = cocoSets.Select(s => new CocoDetectionDataset(Existing(data, s.Annotations, "datasets.train"), ExistingFolder(data, s.Images, "datasets.train"),
            augmentation, DetectionDatasetOptions.Training)).ToList();
        IReadOnlyList<string> classes = CocoClassNames(config, parts.Select(p => p.Coco).ToList(), "datasets.train");
        if (config.Architecture.PredictsMasks() && parts.FirstOrDefault(p => !p.HasMasks) is { } boxOnly)
            throw new DuprException($"{boxOnly.Coco.Source}: architecture {config.Architecture} trains on polygon masks, but some instances have none (no or RLE segmentation)");
        return new DetectionTrainingSet(ConcatDataset<DetectionSample>.Of(parts), classes, string.Join(" + ", parts.Select(p => p.Coco.Source)));
    }

    /// <summary>The test set with test transforms and its ground truth, every image kept; null when datasets.test is empty.</summary>
    public static DetectionTestSet? Test(DetectionConfig config, string data)
    {
        config.Validate();
        if (config.Datasets.Test.Count == 0) return null;
        var augmentation = DetectionAugmentation.ForTest(config.Input);
        if (config.Datasets.Format == DatasetFormat.Voc)
            return new VocTestSet(Devkit(data), DatasetSection.ParseSets(config.Datasets.Test, "datasets.test"), augmentation, VocClassNames(config));
        var sets = DatasetSection.ParseCocoSets(config.Datasets.Test, "datasets.test");
        // detectron2 evaluates each test set on its own; one set keeps one results file and one metrics file per evaluation.
        if (sets.Count != 1)
            throw new DuprException($"datasets.test: COCO evaluation takes one \"annotation file:image folder\" set, got {sets.Count}; evaluate the others one by one (--set 'datasets.test=[\"file.json:folder\"]')");
        CocoDataset groundTruth = CocoReader.Read(Existing(data, sets[0].Annotations, "datasets.test"));
        CocoClassNames(config, [groundTruth], "datasets.test");
        return new CocoTestSet(groundTruth, ExistingFolder(data, sets[0].Images, "datasets.test"), augmentation, config.Architecture.PredictsMasks());
    }

    /// <summary>
    /// The annotated images of the training sets (<paramref name="test"/> false: images without instances left out) or of the
    /// test sets (every image kept), unaugmented, with the class names: what the probes of a backbone read.
    /// </summary>
    public static (IReadOnlyList<DetectionRecord> Records, IReadOnlyList<string> ClassNames) Records(DetectionConfig config, string data, bool test)
    {
        config.Validate();
        List<string> entries = test ? config.Datasets.Test : config.Datasets.Train;
        string key = test ? "datasets.test" : "datasets.train";
        if (entries.Count == 0) throw new DuprException($"{key} is empty");
        var options = test ? DetectionDatasetOptions.Evaluation : DetectionDatasetOptions.Training;
        var augmentation = DetectionAugmentation.ForTest(config.Input);
        if (config.Datasets.Format == DatasetFormat.Voc)
        {
            IReadOnlyList<string> names = VocClassNames(config);
            var voc = new VocDetectionDataset(Devkit(data), DatasetSection.ParseSets(entries, key), augmentation, options, names);
            return (voc.Records, names);
        }
        var parts = DatasetSection.ParseCocoSets(entries, key)
            .Select(s => new CocoDetectionDataset(Existing(data, s.Annotations, key), ExistingFolder(data, s.Images, key), augmentation, options)).ToList();
        return (parts.SelectMany(p => p.Records).ToList(), CocoClassNames(config, parts.Select(p => p.Coco).ToList(), key));
    }

    /// <summary>The VOCdevkit folder of a --data folder: DIR/VOCdevkit when present, else DIR itself.</summary>
    public static string Devkit(string data)
    {
        string nested = Path.Combine(data, "VOCdevkit");
        if (Directory.Exists(nested)) return nested;
        return Directory.Exists(data) ? data : throw new DuprException($"--data {data}: no such folder");
    }

    /// <summary>The class names of a VOC-format config: its datasets.class_names, else the 20 VOC classes (count checked).</summary>
    public static IReadOnlyList<string> VocClassNames(DetectionConfig config)
    {
        IReadOnlyList<string> names = config.Datasets.ClassNames.Count > 0 ? config.Datasets.ClassNames : VocClasses.Names;
        CheckCount(config, names.Count, "datasets.class_names" + (config.Datasets.ClassNames.Count > 0 ? "" : " (default: the 20 VOC classes)"));
        return names;
    }

    // COCO: every file's categories (id and name, in contiguous order) must be the same, and the config's names, if any, theirs.
    static IReadOnlyList<string> CocoClassNames(DetectionConfig config, IReadOnlyList<CocoDataset> files, string key)
    {
        static string Describe(CocoDataset coco) =>
            string.Join(", ", Enumerable.Range(0, coco.CategoryCount).Select(c => $"{coco.FromContiguousId(c)}:{coco.FindCategory(coco.FromContiguousId(c))!.Name}"));
        string first = Describe(files[0]);
        foreach (CocoDataset other in files.Skip(1))
            if (Describe(other) != first)
                throw new DuprException($"{key}: {other.Source} has categories [{Describe(other)}] but {files[0].Source} has [{first}]; sets trained together must share their categories");
        var names = Enumerable.Range(0, files[0].CategoryCount).Select(c => files[0].FindCategory(files[0].FromContiguousId(c))!.Name).ToList();
        if (config.Datasets.ClassNames.Count > 0 && !config.Datasets.ClassNames.SequenceEqual(names))
            throw new DuprException($"datasets.class_names [{string.Join(", ", config.Datasets.ClassNames)}] differ from the categories of {files[0].Source} " +
                                    $"[{string.Join(", ", names)}] (ascending category id); fix them or leave them empty to take the file's");
        CheckCount(config, names.Count, $"{files[0].Source}'s categories");
        return names;
    }

    static void CheckCount(DetectionConfig config, int classes, string source)
    {
        if (classes != config.ClassCount())
            throw new DuprException($"{source}: {classes} classes, but {config.ClassCountKey()} is {config.ClassCount()}; set {config.ClassCountKey()}={classes}");
    }

    static string Existing(string data, string relative, string key)
    {
        string path = Path.Combine(data, relative);
        return File.Exists(path) ? path : throw new DuprException($"{key}: {path}: annotation file not found (sets are relative to --data {data})");
    }

    static string ExistingFolder(string data, string relative, string key)
    {
        string path = Path.Combine(data, relative);
        return Directory.Exists(path) ? path : throw new DuprException($"{key}: {path}: image folder not found (sets are relative to --data {data})");
    }
}
