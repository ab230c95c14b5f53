using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Dupr.Core.Runtime;

namespace Dupr.Detection.Data.Voc;

/// <summary>Reads VOC devkit annotation XML files (Annotations/&lt;id&gt;.xml); malformed files are errors naming the file and object.</summary>
public static class VocAnnotationReader
{
    /// <summary>Reads the annotation at <paramref name="path"/>; the image id is the file name without extension.</summary>
    public static VocAnnotation Read(string path)
    {
        if (!File.Exists(path)) throw new DuprException($"{path}: annotation file not found");
        XElement root;
        try
        {
            root = XDocument.Load(path).Root ?? throw new DuprException($"{path}: empty XML document");
        }
        catch (XmlException e)
        {
            throw new DuprException($"{path}: invalid XML at line {e.LineNumber}, position {e.LinePosition}: {e.Message}", e);
        }
        string id = Path.GetFileNameWithoutExtension(path);
        try
        {
            XElement? size = root.Element("size");
            var objects = new List<VocObject>();
            foreach (XElement obj in root.Elements("object"))
            {
                try
                {
                    objects.Add(ReadObject(obj));
                }
                catch (FormatException e)
                {
                    throw new FormatException($"object {objects.Count}: {e.Message}", e);
                }
            }
            return new VocAnnotation(
                id,
                root.Element("filename")?.Value.Trim(),
                size == null ? 0 : Integer(size, "width"),
                size == null ? 0 : Integer(size, "height"),
                size?.Element("depth") == null ? 0 : Integer(size, "depth"),
                objects);
        }
        catch (FormatException e)
        {
            throw new DuprException($"{path}: {e.Message}", e);
        }
    }

    static VocObject ReadObject(XElement obj)
    {
        string name = Text(obj, "name");
        XElement box = obj.Element("bndbox") ?? throw new FormatException("missing <bndbox>");
        return new VocObject(
            name,
            Flag(obj, "difficult"),
            Flag(obj, "truncated"),
            obj.Element("pose")?.Value.Trim(),
            Number(box, "xmin"), Number(box, "ymin"), Number(box, "xmax"), Number(box, "ymax"));
    }

    static string Text(XElement parent, string name) =>
        parent.Element(name)?.Value.Trim() is { Length: > 0 } text ? text : throw new FormatException($"missing <{name}>");

    // Absent flags are 0, as the devkit treats objects without <difficult>.
    static bool Flag(XElement parent, string name) => parent.Element(name) != null && Integer(parent, name) != 0;

    static int Integer(XElement parent, string name) =>
        int.TryParse(Text(parent, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new FormatException($"<{name}> must be an integer, found \"{parent.Element(name)!.Value.Trim()}\"");

    static double Number(XElement parent, string name) =>
        double.TryParse(Text(parent, name), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new FormatException($"<{name}> must be a number, found \"{parent.Element(name)!.Value.Trim()}\"");
}
