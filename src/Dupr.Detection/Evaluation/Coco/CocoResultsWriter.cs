using Dupr.Core.Runtime;
using Dupr.Detection.Data.Coco;
using Newtonsoft.Json;

namespace Dupr.Detection.Evaluation.Coco;

/// <summary>
/// Writes detections as a COCO results JSON file (atomically) that pycocotools' loadRes reads: per detection
/// image_id, category_id, bbox and/or segmentation (masks as compressed RLE), score. Note pycocotools' rule: if the
/// first detection has a bbox, every detection's area is its box area, even for segm evaluation.
/// </summary>
public static class CocoResultsWriter
{
    /// <summary>Writes <paramref name="results"/> to <paramref name="path"/>.</summary>
    public static void Write(CocoResults results, string path) => AtomicFile.Write(path, stream =>
    {
        using JsonTextWriter json = CocoJsonFields.Open(stream);
        json.WriteStartArray();
        for (int i = 0; i < results.Count; i++)
        {
            json.WriteStartObject();
            json.WritePropertyName("image_id"); json.WriteValue(results.ImageIds[i]);
            json.WritePropertyName("category_id"); json.WriteValue(results.CategoryIds[i]);
            if (results.Boxes[i] is { } box) CocoJsonFields.WriteBox(json, box);
            if (results.Segmentations[i] is { } segmentation) CocoJsonFields.WriteSegmentation(json, segmentation);
            json.WritePropertyName("score"); json.WriteValue(results.Scores[i]);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    });
}
