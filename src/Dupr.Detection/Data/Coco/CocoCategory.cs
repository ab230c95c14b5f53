namespace Dupr.Detection.Data.Coco;

/// <summary>An entry of a COCO file's "categories".</summary>
public sealed record CocoCategory(long Id, string Name, string? Supercategory);
