using Dupr.Core.Runtime;
using Newtonsoft.Json;

namespace Dupr.Detection.Data.Coco;

/// <summary>Writes a <see cref="CocoDataset"/> as a COCO instances JSON file (atomically), readable by pycocotools and <see cref="CocoReader"/>.</summary>
public static class CocoWriter
{
    /// <summary>Writes <paramref name="dataset"/> to <paramref name="path"/>.</summary>
    public static void Write(CocoDataset dataset, string path) => AtomicFile.Write(path, stream =>
    {
        using JsonTextWriter json = CocoJsonFields.Open(stream);
        json.WriteStartObject();
        json.WritePropertyName("images");
        json.WriteStartArray();
        foreach (CocoImage image in dataset.Images)
        {
            json.WriteStartObject();
            json.WritePropertyName("id"); json.WriteValue(image.Id);
            json.WritePropertyName("width"); json.WriteValue(image.Width);
            json.WritePropertyName("height"); json.WriteValue(image.Height);
            if (image.FileName != null) { json.WritePropertyName("file_name"); json.WriteValue(image.FileName); }
            if (image.CocoUrl != null) { json.WritePropertyName("coco_url"); json.WriteValue(image.CocoUrl); }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WritePropertyName("categories");
        json.WriteStartArray();
        foreach (CocoCategory category in dataset.Categories)
        {
            json.WriteStartObject();
            json.WritePropertyName("id"); json.WriteValue(category.Id);
            json.WritePropertyName("name"); json.WriteValue(category.Name);
            if (category.Supercategory != null) { json.WritePropertyName("supercategory"); json.WriteValue(category.Supercategory); }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WritePropertyName("annotations");
        json.WriteStartArray();
        foreach (CocoAnnotation a in dataset.Annotations)
        {
            json.WriteStartObject();
            json.WritePropertyName("id"); json.WriteValue(a.Id);
            json.WritePropertyName("image_id"); json.WriteValue(a.ImageId);
            json.WritePropertyName("category_id"); json.WriteValue(a.CategoryId);
            if (a.Bbox is { } box) CocoJsonFields.WriteBox(json, box);
            if (a.Area is double area) { json.WritePropertyName("area"); json.WriteValue(area); }
            json.WritePropertyName("iscrowd"); json.WriteValue(a.IsCrowd ? 1 : 0);
            if (a.Segmentation != null) CocoJsonFields.WriteSegmentation(json, a.Segmentation);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    });
}
