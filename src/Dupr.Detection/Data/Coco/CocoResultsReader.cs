using Dupr.Core.Runtime;
using Dupr.Detection.Data.Json;
using Dupr.Detection.Masks;
using Newtonsoft.Json;

namespace Dupr.Detection.Data.Coco;

/// <summary>
/// Streams a COCO results file (a JSON array of detections, as pycocotools' loadRes reads it) into
/// <see cref="CocoResults"/>. Missing keys and values of the wrong type are errors naming the entry; the values
/// themselves are checked against the ground truth by the evaluator.
/// </summary>
public static class CocoResultsReader
{
    /// <summary>Reads the results file at <paramref name="path"/>.</summary>
    public static CocoResults Read(string path)
    {
        if (!File.Exists(path)) throw new DuprException($"{path}: file not found");
        using var json = JsonStream.Open(path);
        return Read(json, path);
    }

    /// <summary>Reads results JSON from <paramref name="json"/>; <paramref name="source"/> names it in messages.</summary>
    public static CocoResults Read(JsonStream json, string source)
    {
        var results = new CocoResults(source);
        var entry = new JsonEntry("the top level");
        try
        {
            json.Expect(JsonToken.StartArray, "results must be an array of objects");
            entry.Enter("results");
            while (json.NextElement())
            {
                entry.Next();
                if (json.Token != JsonToken.StartObject) throw new FormatException($"expected an object, found {json.DescribeCurrent()}");
                ReadDetection(json, results);
            }
            entry.Enter("the end of the file");
            json.ExpectEnd("the results array");
        }
        catch (FormatException e)
        {
            throw new DuprException($"{source}: {entry}: {e.Message}", e);
        }
        return results;
    }

    static void ReadDetection(JsonStream json, CocoResults results)
    {
        long? imageId = null, categoryId = null;
        double? score = null;
        BoxXywh? bbox = null;
        CocoSegmentation? segmentation = null;
        while (json.NextProperty() is string key)
        {
            switch (key)
            {
                case "image_id": imageId = json.ReadInteger(key); break;
                case "category_id": categoryId = json.ReadInteger(key); break;
                case "score": score = json.ReadNumber(key); break;
                case "bbox": bbox = CocoReader.ReadBox(json); break;
                case "segmentation": segmentation = CocoReader.ReadSegmentation(json); break;
                default: json.SkipValue(); break;
            }
        }
        if (imageId == null) throw CocoReader.Missing("image_id");
        if (categoryId == null) throw CocoReader.Missing("category_id");
        if (score == null) throw CocoReader.Missing("score");
        if (bbox == null && segmentation == null) throw new FormatException("missing key 'bbox' or 'segmentation'");
        results.Add(imageId.Value, categoryId.Value, score.Value, bbox, segmentation);
    }
}
