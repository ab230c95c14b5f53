using System.Diagnostics;
using Cocona;
using Dupr.Core.Runtime;
using Dupr.Detection.Data.Coco;
using Dupr.Detection.Data.Voc;
using Dupr.Detection.Evaluation;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Dupr.Detection.Evaluation.Coco;
using Dupr.Detection.Evaluation.Voc;

namespace Dupr.Cli.Commands;

/// <summary>`dupr evaluate coco|voc`: COCO (pycocotools semantics) and Pascal VOC (detectron2 semantics) metrics of a results file.</summary>
public sealed class EvaluateCommands
{
    [Command("coco", Description = "Evaluate COCO-format results against COCO (or LVIS-style) ground truth exactly as pycocotools' COCOeval does; prints the 12 summary lines and a per-category AP table.")]
    public void Coco(
        GlobalOptions global,
        [Option("gt", Description = "Ground-truth instances JSON (e.g. annotations/instances_val2017.json).")] string gt,
        [Option("results", Description = "Results JSON: a list of {image_id, category_id, score, bbox [x,y,w,h] and/or segmentation (RLE)}.")] string results,
        [Option("iou-type", Description = "What to compare: bbox (boxes) or segm (masks).")] string iouType = "bbox",
        [Option("output", Description = "Also write the metrics (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl as fractions, and per-category AP) to this JSON file.")] string? output = null)
    {
        RuntimeOptions options = global.ToRuntimeOptions();
        CocoIouType type = iouType switch
        {
            "bbox" => CocoIouType.Bbox,
            "segm" => CocoIouType.Segm,
            _ => throw new DuprException($"--iou-type: expected bbox or segm, got '{iouType}'"),
        };
        var clock = Stopwatch.StartNew();
        CocoDataset dataset = CocoReader.Read(gt);
        Log.Info($"ground truth: {dataset.Images.Count} images, {dataset.CategoryCount} categories, {dataset.Annotations.Count} annotations ({clock.Elapsed.TotalSeconds:0.00}s)");
        clock.Restart();
        CocoResults detections = CocoResultsReader.Read(results);
        Log.Info($"results: {detections.Count} detections ({clock.Elapsed.TotalSeconds:0.00}s)");
        clock.Restart();
        CocoEvalResult result = CocoEvaluator.Evaluate(dataset, detections, type, options.Threads);
        Log.Info($"evaluated {iouType} ({clock.Elapsed.TotalSeconds:0.00}s)");

        foreach (string line in result.SummaryLines()) Console.WriteLine(line);
        Console.WriteLine();
        Console.WriteLine($"Per-category {iouType} AP:");
        Console.WriteLine(CocoReport.CategoryTable(result));
        if (output != null) WriteJson(output, CocoReport.ToJson(result, gt, results));
    }

    [Command("voc", Description = "Evaluate per-class VOC results files (comp4_det_test_<class>.txt) on a VOC devkit split exactly as detectron2's PascalVOCDetectionEvaluator does; prints AP, AP50, AP75 and per-class AP in percent.")]
    public void Voc(
        GlobalOptions global,
        [Option("devkit", Description = "The VOCdevkit folder (holding VOC<year>/) or the VOC<year> folder itself.")] string devkit,
        [Option("results", Description = "Folder holding comp4_det_test_<class>.txt for each of the 20 classes (lines: image_id score xmin ymin xmax ymax, 1-based pixels).")] string results,
        [Option("year", Description = "VOC year of the devkit folder, e.g. 2007 or 2012.")] string year = "2007",
        [Option("split", Description = "Image set in ImageSets/Main, e.g. test or val.")] string split = "test",
        [Option("metric", Description = "07 (11-point, detectron2's choice for VOC2007) or area (VOC2010+); default: 07 for 2007, else area.")] string? metric = null,
        [Option("output", Description = "Also write the metrics (AP, AP50, AP75 and per-class AP50, in percent) to this JSON file.")] string? output = null,
        [Option("classes", Description = "Comma-separated class names of the results files (default: the 20 VOC classes), e.g. circle,square for the synthetic world.")] string? classes = null)
    {
        RuntimeOptions options = global.ToRuntimeOptions();
        IReadOnlyList<string> classNames = classes is null ? VocClasses.Names : classes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (classNames.Count == 0) throw new DuprException("--classes: no class names given");
        VocClasses.EnsureDistinct(classNames, "--classes");
        VocMetric voc = VocMetrics.Parse(metric, year) ?? throw new DuprException($"--metric: expected 07 or area, got '{metric}'");
        var clock = Stopwatch.StartNew();
        VocDevkit kit = VocDevkit.Open(devkit, year);
        IReadOnlyList<VocAnnotation> annotations = kit.ReadAnnotations(split);
        VocDetections detections = VocResultsReader.Read(results, classNames);
        Log.Info($"VOC{year} {split}: {annotations.Count} images; read in {clock.Elapsed.TotalSeconds:0.00}s; metric {VocReport.MetricName(voc)}");
        VocEvalResult result = VocEvaluator.Evaluate(annotations, detections, voc, classNames, options.Threads);

        Console.WriteLine(VocReport.Table(result));
        if (output != null) WriteJson(output, VocReport.ToJson(result, devkit, year, split, results));
    }

    static void WriteJson(string path, JObject document)
    {
        AtomicFile.WriteAllText(path, document.ToString(Formatting.Indented) + Environment.NewLine);
        Log.Info($"metrics written to {path}");
    }
}
