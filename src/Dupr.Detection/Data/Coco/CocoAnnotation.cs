using Dupr.Detection.Masks;

namespace Dupr.Detection.Data.Coco;

/// <summary>
/// An entry of a COCO file's "annotations". Optional fields are null where the file omits them; the stored
/// <see cref="Area"/> is what COCOeval uses for area ranges (it may differ from the box or mask area on purpose).
/// </summary>
public sealed record CocoAnnotation(
    long Id,
    long ImageId,
    long CategoryId,
    BoxXywh? Bbox,
    double? Area,
    bool IsCrowd,
    CocoSegmentation? Segmentation);
