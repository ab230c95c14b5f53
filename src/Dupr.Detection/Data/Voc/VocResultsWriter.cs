using System.Globalization;
using System.Text;
using Dupr.Core.Runtime;

namespace Dupr.Detection.Data.Voc;

/// <summary>
/// Writes per-class VOC results files (comp4_det_test_&lt;class&gt;.txt) as detectron2's PascalVOCDetectionEvaluator does:
/// "image_id score xmin ymin xmax ymax" with 3 and 1 decimals, xmin and ymin + 1 (VOC's 1-based pixels).
/// </summary>
public static class VocResultsWriter
{
    /// <summary>One file per class of <paramref name="classNames"/> in <paramref name="directory"/> (created), empty for classes without detections.</summary>
    public static void Write(string directory, IReadOnlyList<string> classNames, IEnumerable<(string ImageId, int Class, double Score, float[] Box)> detections)
    {
        OutputFolder.Create(directory);
        string[] files = Format(classNames, detections);
        for (int c = 0; c < classNames.Count; c++)
            AtomicFile.WriteAllText(Path.Combine(directory, VocResultsReader.FileName(classNames[c])), files[c]);
    }

    /// <summary>The text of each class's file, in <paramref name="classNames"/> order.</summary>
    public static string[] Format(IReadOnlyList<string> classNames, IEnumerable<(string ImageId, int Class, double Score, float[] Box)> detections)
    {
        var lines = classNames.Select(_ => new StringBuilder()).ToArray();
        foreach (var (imageId, c, score, b) in detections)
            lines[c].Append(CultureInfo.InvariantCulture, $"{imageId} {score:F3} {b[0] + 1:F1} {b[1] + 1:F1} {b[2]:F1} {b[3]:F1}\n");
        return lines.Select(l => l.ToString()).ToArray();
    }
}
