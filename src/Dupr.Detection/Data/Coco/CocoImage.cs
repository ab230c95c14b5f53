namespace Dupr.Detection.Data.Coco;

/// <summary>An entry of a COCO file's "images": its id, size in pixels and file name.</summary>
public sealed record CocoImage(long Id, int Width, int Height, string? FileName);
