using Dupr.Detection.Masks;
using Newtonsoft.Json;

namespace Dupr.Detection.Data.Coco;

/// <summary>Writes the COCO JSON values shared by instances and results files: boxes and segmentations.</summary>
internal static class CocoJsonFields
{
    /// <summary>Writes "bbox": [x, y, w, h].</summary>
    public static void WriteBox(JsonWriter json, BoxXywh box)
    {
        json.WritePropertyName("bbox");
        json.WriteStartArray();
        json.WriteValue(box.X);
        json.WriteValue(box.Y);
        json.WriteValue(box.W);
        json.WriteValue(box.H);
        json.WriteEndArray();
    }

    /// <summary>Writes "segmentation": polygons as lists of coordinates, RLE as {"size": [h, w], "counts": string or list}.</summary>
    public static void WriteSegmentation(JsonWriter json, CocoSegmentation segmentation)
    {
        json.WritePropertyName("segmentation");
        switch (segmentation)
        {
            case CocoPolygons polygons:
                json.WriteStartArray();
                foreach (double[] polygon in polygons.Polygons)
                {
                    json.WriteStartArray();
                    foreach (double v in polygon) json.WriteValue(v);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
                break;
            case CocoRleSegmentation rle:
                json.WriteStartObject();
                json.WritePropertyName("size");
                json.WriteStartArray();
                json.WriteValue(rle.Height);
                json.WriteValue(rle.Width);
                json.WriteEndArray();
                json.WritePropertyName("counts");
                if (rle.CompressedCounts != null) json.WriteValue(rle.CompressedCounts);
                else
                {
                    json.WriteStartArray();
                    foreach (uint c in rle.Counts!) json.WriteValue(c);
                    json.WriteEndArray();
                }
                json.WriteEndObject();
                break;
            default:
                throw new ArgumentException($"unknown segmentation type {segmentation.GetType().Name}", nameof(segmentation));
        }
    }

    /// <summary>A JSON writer over <paramref name="stream"/> for large files (UTF-8, no indentation).</summary>
    public static JsonTextWriter Open(Stream stream) =>
        new(new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true)) { Formatting = Formatting.None };
}
