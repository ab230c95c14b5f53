namespace Dupr.Detection.Data.Coco;

/// <summary>An entry of a COCO file's "images": its id, size in pixels, file name, and the "coco_url" LVIS files name images by instead.</summary>
public sealed record CocoImage(long Id, int Width, int Height, string? FileName, string? CocoUrl = null);
