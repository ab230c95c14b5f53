using System.Globalization;
using Dupr.Core.Runtime;

namespace Dupr.Detection.Data.Voc;

/// <summary>
/// Reads the VOC devkit's per-class results files comp4_det_test_&lt;class&gt;.txt, lines
/// "image_id score xmin ymin xmax ymax" (1-based pixel coordinates, as detectron2 writes them).
/// </summary>
public static class VocResultsReader
{
    /// <summary>The results file name of <paramref name="className"/>.</summary>
    public static string FileName(string className) => $"comp4_det_test_{className}.txt";

    /// <summary>
    /// Reads every class's file from <paramref name="directory"/>; a missing file, a malformed line, a non-finite
    /// value or a box of negative size (xmax - xmin + 1 &lt; 0 with VOC's inclusive pixels) is an error naming the file and line.
    /// </summary>
    public static VocDetections Read(string directory, IReadOnlyList<string> classNames)
    {
        if (!Directory.Exists(directory)) throw new DuprException($"{directory}: results folder not found");
        var byClass = new Dictionary<string, IReadOnlyList<VocDetection>>();
        foreach (string className in classNames)
        {
            string path = Path.Combine(directory, FileName(className));
            if (!File.Exists(path)) throw new DuprException($"{path}: results file not found (one file per class is expected, even if empty)");
            byClass[className] = Parse(File.ReadLines(path), path);
        }
        return new VocDetections(byClass, directory);
    }

    /// <summary>
    /// The detections in each class's file text <paramref name="files"/> (in <paramref name="classNames"/> order), checked as
    /// <see cref="Read"/> checks files; <paramref name="source"/> stands for the folder in messages.
    /// </summary>
    public static VocDetections Parse(IReadOnlyList<string> classNames, IReadOnlyList<string> files, string source)
    {
        if (files.Count != classNames.Count) throw new ArgumentException($"{files.Count} files for {classNames.Count} classes", nameof(files));
        var byClass = new Dictionary<string, IReadOnlyList<VocDetection>>();
        for (int c = 0; c < classNames.Count; c++)
            byClass[classNames[c]] = Parse(files[c].Split('\n'), Path.Combine(source, FileName(classNames[c])));
        return new VocDetections(byClass, source);
    }

    static List<VocDetection> Parse(IEnumerable<string> lines, string path)
    {
        var detections = new List<VocDetection>();
        int lineNumber = 0;
        foreach (string line in lines)
        {
            lineNumber++;
            string[] fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) continue;
            string where = $"{path}:{lineNumber}";
            if (fields.Length != 6) throw new DuprException($"{where}: expected \"image_id score xmin ymin xmax ymax\", found {fields.Length} fields");
            var values = new double[5];
            for (int i = 0; i < 5; i++)
                if (!double.TryParse(fields[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                    throw new DuprException($"{where}: field {i + 2} must be a finite number, found \"{fields[i + 1]}\"");
            // Boxes under one pixel wide are legitimate: detectron2 writes xmin + 1 but xmax as is.
            if (values[3] - values[1] + 1 < 0 || values[4] - values[2] + 1 < 0)
                throw new DuprException($"{where}: box has a negative size: xmin {values[1]}, ymin {values[2]}, xmax {values[3]}, ymax {values[4]}");
            detections.Add(new VocDetection(fields[0], values[0], values[1], values[2], values[3], values[4], lineNumber));
        }
        return detections;
    }
}
