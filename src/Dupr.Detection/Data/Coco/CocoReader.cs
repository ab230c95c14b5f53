using Dupr.Core.Runtime;
using Dupr.Detection.Data.Json;
using Dupr.Detection.Masks;
using Newtonsoft.Json;

namespace Dupr.Detection.Data.Coco;

/// <summary>
/// Streams a COCO instances file (or an LVIS file of the same shape) into a <see cref="CocoDataset"/> without a
/// JSON DOM; unknown keys are skipped. Malformed input is a <see cref="DuprException"/> naming the file and entry.
/// </summary>
public static class CocoReader
{
    /// <summary>Reads the instances file at <paramref name="path"/>.</summary>
    public static CocoDataset Read(string path)
    {
        if (!File.Exists(path)) throw new DuprException($"{path}: file not found");
        using var json = JsonStream.Open(path);
        return Read(json, path);
    }

    /// <summary>Reads instances JSON from <paramref name="json"/>; <paramref name="source"/> names it in messages.</summary>
    public static CocoDataset Read(JsonStream json, string source)
    {
        var images = new List<CocoImage>();
        var categories = new List<CocoCategory>();
        var annotations = new List<CocoAnnotation>();
        var entry = new JsonEntry("the top level");
        try
        {
            json.Expect(JsonToken.StartObject, "the top level must be an object");
            while (json.NextProperty() is string section)
            {
                switch (section)
                {
                    case "images":
                        ReadArray(json, entry.Enter(section), () => images.Add(ReadImage(json, entry)));
                        break;
                    case "categories":
                        ReadArray(json, entry.Enter(section), () => categories.Add(ReadCategory(json, entry)));
                        break;
                    case "annotations":
                        ReadArray(json, entry.Enter(section), () => annotations.Add(ReadAnnotation(json, entry)));
                        break;
                    default:
                        json.SkipValue();
                        break;
                }
                entry.Enter("the top level");
            }
            entry.Enter("the end of the file");
            json.ExpectEnd("the top-level object");
        }
        catch (FormatException e)
        {
            throw new DuprException($"{source}: {entry}: {e.Message}", e);
        }
        return new CocoDataset(source, images, categories, annotations);
    }

    static void ReadArray(JsonStream json, JsonEntry entry, Action readObject)
    {
        json.Expect(JsonToken.StartArray, $"\"{entry.Section}\" must be an array");
        while (json.NextElement())
        {
            entry.Next();
            if (json.Token != JsonToken.StartObject) throw new FormatException($"expected an object, found {json.DescribeCurrent()}");
            readObject();
        }
    }

    static CocoImage ReadImage(JsonStream json, JsonEntry entry)
    {
        long? id = null;
        int? width = null, height = null;
        string? fileName = null, cocoUrl = null;
        while (json.NextProperty() is string key)
        {
            switch (key)
            {
                case "id": id = json.ReadInteger(key); entry.Id = id; break;
                case "width": width = ReadSize(json, key); break;
                case "height": height = ReadSize(json, key); break;
                case "file_name": fileName = json.ReadOptionalString(key); break;
                case "coco_url": cocoUrl = json.ReadOptionalString(key); break;
                default: json.SkipValue(); break;
            }
        }
        return new CocoImage(Required(id, "id"), Required(width, "width"), Required(height, "height"), fileName, cocoUrl);
    }

    static CocoCategory ReadCategory(JsonStream json, JsonEntry entry)
    {
        long? id = null;
        string? name = null, supercategory = null;
        while (json.NextProperty() is string key)
        {
            switch (key)
            {
                case "id": id = json.ReadInteger(key); entry.Id = id; break;
                case "name": name = json.ReadString(key); break;
                case "supercategory": supercategory = json.ReadOptionalString(key); break;
                default: json.SkipValue(); break;
            }
        }
        return new CocoCategory(Required(id, "id"), name ?? throw Missing("name"), supercategory);
    }

    static CocoAnnotation ReadAnnotation(JsonStream json, JsonEntry entry)
    {
        long? id = null, imageId = null, categoryId = null;
        BoxXywh? bbox = null;
        double? area = null;
        bool crowd = false;
        CocoSegmentation? segmentation = null;
        while (json.NextProperty() is string key)
        {
            switch (key)
            {
                case "id": id = json.ReadInteger(key); entry.Id = id; break;
                case "image_id": imageId = json.ReadInteger(key); break;
                case "category_id": categoryId = json.ReadInteger(key); break;
                case "bbox": bbox = ReadBox(json); break;
                case "area": area = json.ReadNumber(key); break;
                case "iscrowd": crowd = json.ReadFlag(key); break;
                case "segmentation": segmentation = ReadSegmentation(json); break;
                default: json.SkipValue(); break;
            }
        }
        return new CocoAnnotation(Required(id, "id"), Required(imageId, "image_id"), Required(categoryId, "category_id"), bbox, area, crowd, segmentation);
    }

    /// <summary>Reads a "bbox" value [x, y, w, h]; an empty list means no box (pycocotools' loadRes reads it so).</summary>
    internal static BoxXywh? ReadBox(JsonStream json)
    {
        double[] b = json.ReadNumberArray("bbox");
        if (b.Length == 0) return null;
        if (b.Length != 4) throw new FormatException($"'bbox' must have 4 numbers [x, y, width, height], found {b.Length}");
        return new BoxXywh(b[0], b[1], b[2], b[3]);
    }

    /// <summary>Reads a "segmentation" value: a list of polygons, or an RLE object with "size" and "counts".</summary>
    internal static CocoSegmentation ReadSegmentation(JsonStream json)
    {
        json.Next();
        if (json.Token == JsonToken.StartArray)
        {
            var polygons = new List<double[]>();
            while (json.NextElement())
            {
                double[] polygon = json.CurrentNumberArray("segmentation");
                if (!polygon.All(double.IsFinite)) throw new FormatException($"'segmentation' polygon {polygons.Count} has a non-finite coordinate");
                polygons.Add(polygon);
            }
            return new CocoPolygons(polygons);
        }
        if (json.Token != JsonToken.StartObject)
            throw new FormatException($"'segmentation' must be a list of polygons or an RLE object, found {json.DescribeCurrent()}");
        double[]? size = null;
        string? compressed = null;
        uint[]? counts = null;
        while (json.NextProperty() is string key)
        {
            switch (key)
            {
                case "size": size = json.ReadNumberArray("segmentation.size"); break;
                case "counts":
                    json.Next();
                    if (json.Token == JsonToken.String) compressed = json.CurrentString("segmentation.counts");
                    else counts = ToCounts(json.CurrentNumberArray("segmentation.counts"));
                    break;
                default: json.SkipValue(); break;
            }
        }
        if (size == null) throw Missing("segmentation.size");
        if (size.Length != 2 || size.Any(s => s < 0 || s > int.MaxValue || Math.Floor(s) != s))
            throw new FormatException($"'segmentation.size' must be [height, width] as two non-negative integers, found [{string.Join(", ", size)}]");
        int h = (int)size[0], w = (int)size[1];
        if (compressed != null) return new CocoRleSegmentation(h, w, compressed);
        if (counts != null) return new CocoRleSegmentation(h, w, counts);
        throw Missing("segmentation.counts");
    }

    static uint[] ToCounts(double[] values)
    {
        var counts = new uint[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (v < 0 || v > uint.MaxValue || Math.Floor(v) != v)
                throw new FormatException($"'segmentation.counts'[{i}] must be a non-negative integer, found {v}");
            counts[i] = (uint)v;
        }
        return counts;
    }

    static int ReadSize(JsonStream json, string key)
    {
        long value = json.ReadInteger(key);
        if (value < 0 || value > int.MaxValue) throw new FormatException($"'{key}' must be a non-negative pixel count, found {value}");
        return (int)value;
    }

    static T Required<T>(T? value, string key) where T : struct => value ?? throw Missing(key);

    internal static FormatException Missing(string key) => new($"missing key '{key}'");
}
